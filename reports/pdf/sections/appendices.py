"""附件: the latest 模拟现场评审, 数据核查 not yet checked, and names too long for a table."""

from __future__ import annotations

from collections import Counter
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer

from db.vocab import INSTITUTION_TYPES
from reports.pdf.data import ReportData
from reports.pdf.layout import FRAME_W, NAME_CHARS, Styles, esc, muted, red, table
from reports.pdf.sections.common import Story, h1, h3, inst_name, para, township_scope


def checks_appendix(data: ReportData, st: Styles) -> Story:
    """附：数据核查 findings nobody has marked 已核实, with both years' figures."""
    if not data.unchecked:
        return []
    rows = [[str(n), esc(f.institution), esc(f.label), esc(f.previous), esc(f.current),
             esc(f.detail)] for n, f in enumerate(data.unchecked, start=1)]
    widths = [24, 120, 100, 50, 50]
    return [CondPageBreak(60 * mm), Spacer(1, 8 * mm),
            Paragraph("附：数据核查未核实事项", st.h1),
            para(f"与上年相比变化异常或录入可疑、尚未标记为“已核实”的数据共 {len(data.unchecked)} 项，"
               "请逐项核实（在“数据核查”页标记已核实并说明原因）。", st),
            table(["序号", "机构", "核查项", "上年", "本年", "说明"], rows,
                  [*widths, FRAME_W - sum(widths)], st, align="lllrrl")]


def review_appendix(data: ReportData, st: Styles) -> Story:
    """The latest 模拟现场评审 of the year: its score, where books and site differ, the 整改 list."""
    if not data.reviews:
        return []
    out = data.reviews[-1]
    r, s = out.review, out.score
    kinds = Counter(INSTITUTION_TYPES.get(i["type"], "其他") for i in r.sample)
    drawn = "、".join(f"{k} {n} 家" for k, n in kinds.items())
    when = f"，评审日期 {esc(r.review_date)}" if r.review_date else ""
    verdict = "达到合格线" if s.passed else red("未通过")
    veto = [] if township_scope(data) else s.veto_failures
    scored = ("模拟评审在县里计分：县卫生健康局合并各乡镇的现场结论后计算得分，本报告不计分。"
              if township_scope(data) else
              f"按评分标准对现场结论计分（未现场核查的项目按台账计分），模拟评审得分 "
              f"<b>{s.total:g}</b> 分（满分 {s.max:g} 分，合格线 {s.pass_mark:g} 分），{verdict}；"
              f"同期按台账计分 {out.books_score.total:g} 分。")
    story: Story = [
        PageBreak(),
        Paragraph("附件：模拟现场评审情况", st.h1),
        para(f"{esc(r.name)}（抽样种子 {r.seed}{when}）按评审专家的方式抽查 {len(r.sample)} 家机构："
           f"{esc(drawn)}。{scored}已录入现场结论 {out.entered} / {out.expected} 项。", st),
    ]
    if veto:
        story.append(para(red("必备项未达到：") + "；".join(
            f"{esc(data.standard.short)} {esc(i.code)} {esc(i.text)}（{esc(i.reason)}）"
            for i in veto) + "。", st))
    if len(data.reviews) > 1 and not township_scope(data):
        story.append(para("本年度历次模拟评审得分：" + "；".join(
            f"{esc(o.review.name)} {o.score.total:g} 分" for o in data.reviews) + "。", st))
    story += h3(f"台账与现场不一致（{len(out.differences)} 处）", st)
    if out.differences:
        rows = [[str(n), f"{inst_name(d.institution)}<br/>{muted(inst_name(d.township), 7.5)}",
                 f"{esc(d.item_code)} {esc(d.item_text)}", esc(d.books),
                 esc(d.found) + (f"：{esc(d.note)}" if d.note else "")]
                for n, d in enumerate(out.differences, start=1)]
        widths = [24, 90, 150, 110]
        story.append(table(["序号", "机构", "评分项", "台账", "现场"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="cllll"))
    else:
        story.append(para("已录入的现场结论与台账一致。", st))
    story += h3(f"整改清单（{len(out.fixes)} 项）", st)
    if out.fixes:
        rows = [[str(n), inst_name(f.institution), f"{esc(f.item_code)} {esc(f.what)}", esc(f.note),
                 esc(f.responsible), esc(f.supervisor)]
                for n, f in enumerate(out.fixes, start=1)]
        widths = [24, 84, 150, 90, 70]
        story.append(table(["序号", "机构", "整改内容", "现场情况", "责任单位", "督导单位"], rows,
                           [*widths, FRAME_W - sum(widths)], st, align="clllll"))
    else:
        story.append(para("本次模拟评审没有需要整改的项目。", st))
    return story


def long_names_appendix(data: ReportData, st: Styles) -> Story:
    """Institutions whose name or township the tables shortened, given whole, after the
    closing block; nothing when every name fits."""
    long = [i for i in data.institutions
            if len(i["name"]) > NAME_CHARS or len(i["township"]) > NAME_CHARS]
    if not long:
        return []
    rows = [[str(n), esc(i["name"]), esc(i["township"])] for n, i in enumerate(long, start=1)]
    note = (f"报告各表和图中超过 {NAME_CHARS} 个字的机构名称、乡镇（街道）名称只印前 "
            f"{NAME_CHARS - 1} 个字，以“…”结尾；全称如下。")
    widths = [28, FRAME_W - 28 - 120, 120]
    return [PageBreak(), Paragraph("附录　名称过长的机构", st.h1), para(note, st),
            table(["序号", "机构名称（全称）", "所属乡镇（街道）"], rows, widths, st, align="cll")]
