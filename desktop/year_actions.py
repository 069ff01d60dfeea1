"""开始新年度: last year's standing facts carried into a new year, after a backup."""

from __future__ import annotations

import datetime as _dt

from db import backups
from db.errors import KnownError
from desktop import dialogs
from desktop.host import Host


def start_new_year(window: Host) -> None:
    county = window.county
    if county is None:
        return
    from db.newyear import start_new_year as carry_over

    years = county.years()
    suggested = (max(years) + 1) if years else _dt.date.today().year
    year = dialogs.ask_int(window, "开始新年度", "开始哪一年？（从上一年沿用中医馆、适宜技术、科室、"
                           "人员等情况，标为“沿用上年”待确认；诊疗人次、服务人口和活动不沿用）",
                           suggested, 2001, 2100)
    if year is None:
        return
    try:
        backups.make_backup(county.conn, county.path, "开始新年度前")
        done = carry_over(county, year)
    except KnownError as exc:
        dialogs.error(window, "开始新年度", str(exc))
        return
    window.history.cannot_undo("开始新年度")
    window.reload_years()
    window.show_year(year, "progress")
    dialogs.info(window, "开始新年度", done.summary())
