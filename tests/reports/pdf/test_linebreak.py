"""The report's Chinese paragraphs break lines where a reader allows it: an item's number
(三（二）3), a year or a percentage stays whole, no line starts with a closing mark or ends with
an opening bracket (reports.pdf.linebreak)."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from reports.pdf import linebreak
from reports.pdf.fonts import fonts
from reports.pdf.layout import styles


def _cut(text: str, room: int) -> list[str]:
    """Lines of `text` with every character 1 wide, `room` to a line."""
    return [text[s:e] for s, e, _ in linebreak.lines(text, [1.0] * len(text), [room])]


def test_an_item_number_moves_to_the_next_line_whole() -> None:
    assert _cut("由未达标转为达标：三（二）3家庭", 11) == ["由未达标转为达标：", "三（二）3家庭"]
    assert _cut("共2024家机构", 4) == ["共", "2024", "家机构"]
    assert _cut("达标率95.0%以上", 5) == ["达标率", "95.0%", "以上"]


def test_closing_marks_hang_and_opening_ones_wait() -> None:
    assert _cut("甲乙丙丁））、戊", 4) == ["甲乙丙丁））、", "戊"]
    assert _cut("甲乙丙（丁戊", 4) == ["甲乙丙", "（丁戊"]
    # with nowhere allowed, the line is cut as before rather than overflow for ever
    assert _cut("12345678", 3) == ["123", "456", "78"]


def test_a_report_paragraph_never_splits_an_item_number() -> None:
    st = styles(fonts())
    sentence = ("与上年相比，由未达标转为达标的指标：二（一）5 县级中医医院重点科室设置、"
                "三（二）3 家庭医生团队中医药人员配备率、三（三）3 社区卫生服务站中医药人员配备率、"
                "四（一）1 中医药宣传栏更换。")
    for width in range(200, 460, 7):
        for markup in (sentence, sentence.replace("三（三）3", "<b>三（三）3</b>")):
            para = Paragraph(markup, st.body)
            para.wrap(width, 2000)
            lines = [_text(line) for line in para.blPara.lines]
            assert "".join(lines) == Paragraph(markup, st.body).getPlainText()
            for line in lines:
                assert not line.endswith("（"), (width, lines)
                assert not line.startswith(("）", "、", "，", "。")), (width, lines)
            for code in ("二（一）5", "三（二）3", "三（三）3", "四（一）1"):
                assert any(code in line for line in lines), (code, width, lines)


def _text(line: object) -> str:
    if isinstance(line, (list, tuple)):  # one style: (extra space, [text])
        return "".join(line[1])
    return "".join(getattr(w, "text", "") for w in line.words)  # type: ignore[attr-defined]
