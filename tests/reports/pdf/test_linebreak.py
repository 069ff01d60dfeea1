"""The report's Chinese paragraphs break lines where a reader allows it: an item's number
(三（二）3), a year or a percentage stays whole, no line starts with a closing mark or ends with
an opening bracket (reports.pdf.linebreak)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as hs
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


def test_a_number_with_thousands_separators_or_a_unit_stays_whole() -> None:
    assert _cut("诊疗人次共319,521人次", 10) == ["诊疗人次共", "319,521人次"]
    assert _cut("覆盖人口 316,340.5 人", 11) == ["覆盖人口 ", "316,340.5 人"]
    assert _cut("比上年翻了一倍 345 平方米", 9) == ["比上年翻了一倍 ", "345 平方米"]
    assert _cut("还需 12 家机构", 5) == ["还需 ", "12 家机", "构"]
    assert _cut("标准 ≥ 100%）", 8) == ["标准 ", "≥ 100%）"]
    assert _cut("上升 26.6 个百分点", 9) == ["上升 ", "26.6 个百分点"]
    assert _cut("截至2024年12月31日，", 12) == ["截至", "2024年12月31日，"]
    # the standard's 三（二）3 before 家庭医生 is an item number, not "3 家"
    assert _cut("见三（二）3 家庭医生", 7) == ["见三（二）3 ", "家庭医生"]


def test_a_fraction_stays_on_one_line_where_it_fits_and_else_breaks_before_its_denominator(
        ) -> None:
    assert _cut("比例 319,521 / 793,183。", 18) == ["比例 ", "319,521 / 793,183。"]
    assert _cut("319,521 / 793,183", 17) == ["319,521 / 793,183"]
    for room in range(9, 17):  # too narrow for it whole: each number still is
        assert _cut("319,521 / 793,183", room) == ["319,521 / ", "793,183"], room
    assert _cut("1,218,074 / 2,760,123", 12) == ["1,218,074 / ", "2,760,123"]


def test_a_unit_too_wide_for_its_line_leaves_its_number_but_is_never_cut() -> None:
    assert _cut("345 平方米", 4) == ["345 ", "平方米"]
    assert _cut("2024年12月31日", 8) == ["2024年", "12月31日"]


def test_report_cells_keep_numbers_fractions_and_units_whole() -> None:
    """In the report's own font, at every width a cell may have: 319,521 / 793,183 is one line
    or breaks before 793,183; 345 平方米 and 12,345 人次 never break inside."""
    st = styles(fonts())
    for width in range(40, 140, 3):
        for text, pieces in (("319,521 / 793,183", ("319,521", "793,183")),
                             ("345 平方米", ("345", "平方米")),
                             ("中医诊疗人次还需增加 16,783 人次", ("16,783", "人次"))):
            para = Paragraph(text, st.cell_center)
            para.wrap(width, 2000)
            lines = [_text(line).strip() for line in para.blPara.lines]
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            for piece in pieces:
                assert any(piece in line for line in lines), (width, lines)
            if text.startswith("319") and len(lines) > 1:
                assert lines == ["319,521 /", "793,183"], (width, lines)


_WORDS = hs.sampled_from(["中医馆", "达标", "，", "。", "、", "（", "）", "机构", " ", "还需"])
_KEPT = hs.one_of(
    hs.integers(1000, 9_999_999).map(lambda n: f"{n:,}"),
    hs.tuples(hs.integers(0, 99_999), hs.sampled_from(["平方米", " 平方米", "人次", " 家", "%"]))
    .map(lambda t: f"{t[0]:,}{t[1]}"),
    hs.tuples(hs.integers(1, 999_999), hs.integers(1, 999_999))
    .map(lambda t: f"{t[0]:,} / {t[1]:,}"),
)


@settings(max_examples=300, deadline=None)
@given(hs.lists(hs.tuples(_WORDS, _KEPT), min_size=1, max_size=6), hs.integers(0, 20))
def test_no_line_starts_inside_a_number_a_unit_or_a_fraction_that_fits(parts, spare) -> None:
    """Any sentence of words and numbers, at any width the longest number fits in: every
    number, number with its unit and fraction is on one line."""
    text, kept = "", []
    for word, number in parts:
        text += word
        kept.append((len(text), len(text) + len(number)))
        text += number + "。"
    room = max(b - a for a, b in kept) + 1 + spare  # + 1: a closing mark may follow it
    cuts = {s for s, _, _ in linebreak.lines(text, [1.0] * len(text), [room])}
    for a, b in kept:
        assert not any(a < cut < b for cut in cuts), (text[a:b], room, _cut(text, room))
