"""The 模拟评审 actions of the window (new review, hand swap, photos, checklist PDF, workbook,
comparison) and their small dialogs. Each takes the main window as a `ReviewHost`: the `Host`
every action sees, and the 模拟评审 tab as `review_tab`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QSpinBox, QWidget)

from db.county import CountyFile
from db.errors import KnownError
from db.vocab import CENTRE_TYPES, INSTITUTION_TYPES, STATION_TYPES, pinyin_key
from desktop import dialogs
from desktop.evidence import attach_files, open_evidence
from desktop.host import Host
from reports.judge import review as rv

if TYPE_CHECKING:
    from desktop.tabs.review import ReviewTab


class ReviewHost(Host, Protocol):
    """The main window as these actions see it: a Host with its 模拟评审 tab."""

    review_tab: ReviewTab


class NewReviewDialog(QDialog):
    """The seed (shown, so the same draw can be repeated) and the sizes of the sample."""

    def __init__(self, parent: QWidget | None, rule: rv.Rule, seed: int, name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建模拟评审")
        form = QFormLayout(self)
        self.name = QLineEdit(name, self)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setValue(seed)
        self.seed.setToolTip("同一抽签号、同一机构名册，抽到的机构相同；记下它可以重复这次抽样")
        self.sizes = []
        for label, value, key in (("县级中医医院", rule.hospitals, "H"),
                                  ("乡镇卫生院/社区卫生服务中心", rule.centres, "C"),
                                  ("卫生服务站/村卫生室", rule.stations, "V")):
            spin = QSpinBox(self)
            spin.setRange(0, 999)
            spin.setValue(value)
            form.addRow(f"抽查{label}（家）(&{key})：", spin)
            self.sizes.append(spin)
        form.insertRow(0, "评审名称(&N)：", self.name)
        form.insertRow(1, "抽签号(&S)：", self.seed)
        form.addRow(QLabel("县级中医医院必查；乡镇卫生院逐个乡镇抽取，村卫生室和服务站在各乡镇间轮流抽取，"
                           "先抽已抽中卫生院所在的乡镇。", self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def rule(self) -> rv.Rule:
        return rv.Rule(*(s.value() for s in self.sizes))


def new_review(window: ReviewHost) -> None:
    county, year = window.county, window.year
    if county is None:
        return
    insts = county.institutions_in_year(year)
    n = county.count("review", "year = ?", (year,))
    dialog = NewReviewDialog(window, rv.default_rule(insts), rv.new_seed(),
                             f"{year}年第{n + 1}次模拟评审")
    if not dialogs.exec_dialog(dialog):
        return
    try:
        rid = rv.create_review(county, year, seed=dialog.seed.value(), rule=dialog.rule(),
                               name=dialog.name.text().strip() or None)
    except KnownError as exc:
        dialogs.error(window, "新建模拟评审", str(exc))
        return
    window.history.cannot_undo("新建模拟评审")
    tab = window.review_tab
    tab.review_id = rid
    tab.refresh(tab.ctx)
    window.statusBar().showMessage(f"已抽取 {len(rv.load(county, rid).sample)} 家机构，抽签号 "
                                   f"{dialog.seed.value()}", 8000)


def swap_institution(window: ReviewHost) -> None:
    """Replace the selected row's institution by another of its kind, with a reason. Findings
    entered for it are cleared by the swap: the clerk is told how many first, and 取消 (the
    default) keeps them."""
    tab = window.review_tab
    row = tab.selected_finding()
    if window.county is None or tab.review_id is None or row is None:
        dialogs.info(window, "调换机构", "请先在表中选中要调换的机构的任意一行。")
        return
    county = window.county
    sample = rv.load(county, tab.review_id).sample
    current = {i["id"] for i in sample}
    me = next(i for i in sample if i["id"] == row["inst_id"])
    # Counted on the rows the clerk sees (findings a file may hold on items no longer checked,
    # 不计分 ones, go too, unseen and unscored).
    shown = {r["item_id"] for r in tab.model.rows if r["inst_id"] == me["id"]}
    findings, pics = rv.entered_at(county, tab.review_id, me["id"], shown)
    if findings or pics:
        what = "、".join(x for x in (f"{findings} 项核查结果" if findings else "",
                                      f"{pics} 张照片" if pics else "") if x)
        if not dialogs.choose(window, "调换机构",
                              f"“{me['name']}”已录入 {what}，调换后将清除。\n\n"
                              "要保留这些结果，请点“取消”。", "调换并清除", "取消"):
            return
    options = swap_options(county.institutions_in_year(window.year), me, current)
    if not options:
        dialogs.info(window, "调换机构", "没有可换入的同类机构。")
        return
    choice = dialogs.ask_item(window, "调换机构", f"换下“{me['name']}”"
                              f"（{INSTITUTION_TYPES.get(me['type'], '')}），换入：", list(options))
    if not choice:
        return
    reason = dialogs.ask_text(window, "调换机构", "调换原因（将记入名单和核查表）：")
    if not reason:
        return
    try:
        rv.swap(county, tab.review_id, me["id"], options[choice], reason)
    except KnownError as exc:
        dialogs.error(window, "调换机构", str(exc))
        return
    window.history.cannot_undo("调换机构")
    tab.refresh(tab.ctx)


def swap_options(insts: list[dict[str, Any]], me: dict[str, Any], taken: set[str]
                 ) -> dict[str, str]:
    """What may replace `me` (label → id): institutions of its own type first (a village clinic
    by a village clinic), then the others it was drawn with (a 社区卫生服务站 for a 村卫生室, a
    社区卫生服务中心 for a 乡镇卫生院), each group by township; each label names its type."""
    kin = STATION_TYPES if me["type"] in STATION_TYPES else \
        CENTRE_TYPES if me["type"] in CENTRE_TYPES else (me["type"],)
    free = [i for i in insts if i["type"] in kin and i["id"] not in taken]
    free.sort(key=lambda i: (i["type"] != me["type"], pinyin_key(i["township"]),
                             pinyin_key(i["name"])))
    return {f"{i['township'] or '—'}  {i['name']}（{INSTITUTION_TYPES.get(i['type'], '')}）": i["id"]
            for i in free}


def add_photo(window: ReviewHost) -> None:
    tab = window.review_tab
    row = tab.selected_finding()
    if window.county is None or tab.review_id is None or row is None:
        dialogs.info(window, "添加照片", "请先在表中选中一项现场结论。")
        return
    names = dialogs.open_file_names(window, "选择现场照片", "图片 (*.jpg *.jpeg *.png *.heic);;所有文件 (*)")
    if not names:
        return
    county = window.county
    try:
        with county.atomic():
            fid = rv.set_finding(county, tab.review_id, row["inst_id"], row["item_id"],
                                 row["verdict"], row["note"])
            attach_files(county, [Path(n) for n in names], owner_table="review_finding",
                         owner_id=fid, indicator_id=row["item_id"], year=window.year)
    except KnownError as exc:
        dialogs.error(window, "添加照片", f"{exc}\n未添加任何照片。")
        return
    window.history.cannot_undo("添加照片")
    tab.refresh(tab.ctx)


def open_photos(window: ReviewHost) -> None:
    tab = window.review_tab
    row = tab.selected_finding()
    if window.county is None or tab.review_id is None or row is None:
        return
    fid = rv.finding_id(window.county, tab.review_id, row["inst_id"], row["item_id"])
    if not open_evidence(window.county, "owner_table = 'review_finding' AND owner_id = ?", (fid,),
                         window):
        dialogs.info(window, "查看照片", "这一项还没有照片。")


def _output(window: ReviewHost, title: str, suffix: str, what: str) -> Path | None:
    county = window.county
    suggested = str(county.path.with_name(f"{county.county_name}{window.year}年{what}{suffix}"))
    kind = "PDF 文件 (*.pdf)" if suffix == ".pdf" else "Excel 工作簿 (*.xlsx)"
    name = dialogs.save_file_name(window, title, suggested, kind)
    if not name:
        return None
    return Path(name) if name.lower().endswith(suffix) else Path(name + suffix)


def write_checklist(window: ReviewHost) -> None:
    """现场核查表: the whole sample in one PDF, in route order."""
    tab = window.review_tab
    if window.county is None or tab.review_id is None:
        return
    out = _output(window, "现场核查表", ".pdf", "模拟评审现场核查表")
    if out is None:
        return
    path, rid = window.county.path, tab.review_id

    def work(progress: Any) -> Path:
        from reports.pdf.checklist import write_checklists

        with CountyFile.open(path, daily_backup=False) as county:
            return write_checklists(county, rid, out)

    def done(result: Path) -> None:
        if dialogs.confirm(window, "现场核查表", f"现场核查表已生成：\n{result}\n\n现在打开吗？"):
            dialogs.open_with_system(str(result))
    window.jobs.run("生成现场核查表", work, done)


def export_findings(window: ReviewHost) -> None:
    tab = window.review_tab
    if window.county is None or tab.review_id is None:
        return
    out = _output(window, "导出模拟评审", ".xlsx", "模拟评审")
    if out is None:
        return
    path, rid = window.county.path, tab.review_id

    def work(progress: Any) -> Path:
        from reports.excel.review_book import export_review

        with CountyFile.open(path, daily_backup=False) as county:
            return export_review(county, rid, out)

    window.jobs.run("导出模拟评审", work, lambda result: dialogs.info(
        window, "导出模拟评审", f"已导出现场结论、得分、台账与现场不一致和整改清单：\n{result}"))


def compare_reviews(window: ReviewHost) -> None:
    """得分 over time: every review of the year side by side."""
    if window.county is None:
        return
    lines = []
    for row, out in rv.compare(window.county, window.year):
        s = out.score
        # Only a complete review has a score; one still being entered shows how far it got.
        result = (f"{s.total:g} 分（按抽查口径）/ 合格线 {s.pass_mark:g}，"
                  f"{'通过' if s.passed else '未通过'}" if out.complete else "尚未录完，不计分")
        lines.append(f"{row['name']}（抽签号 {row['seed']}{'，' + row['review_date'] if row['review_date'] else ''}）："
                     f"{result}；不一致 {len(out.differences)} 处，整改 {len(out.fixes)} 项，"
                     f"{out.coverage_text}")
    dialogs.show_text(window, f"{window.year}年历次模拟评审", "\n".join(lines) or "本年度还没有模拟评审。")


RUN = {"new": new_review, "swap": swap_institution, "photo": add_photo, "open_photos": open_photos,
       "checklist": write_checklist, "export": export_findings, "compare": compare_reviews}
