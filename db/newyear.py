"""开始新年度: last year's standing facts copied into a new year, marked 沿用上年 until confirmed.

Standing facts are what does not start from zero each January: a 中医馆's state, grade and
platform link, the 中医阁 and service place, techniques, departments and staff counts. Visits,
population served and activities are the year's own and never carry over. A carried value is
stored like any other (so the year judges as it stands), and `institution_year.carried` names
the fields still awaiting a person's word ("2023:hall_state,tech_items"); typing or importing a
value for the year, or confirming, takes it off the list. Nothing the new year already has is
overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .county import carried_marker, parse_carried
from .errors import KnownError
from .fields import applies
from .townships import township_sql

if TYPE_CHECKING:
    from .county import CountyFile

CARRIED_FIELDS = (
    "hall_state", "hall_grade", "platform_connected", "tcm_corner", "service_place",
    "tech_categories", "tech_items", "dept_preventive", "dept_rehab", "dept_infectious",
    "physicians", "tcm_physicians", "other_tcm_staff", "tcm_gps", "west_learn_tcm",
    # The standard's standing facts (issue 16): 中医馆 construction, hospital grade and
    # departments, family-doctor teams.
    "hall_area", "hall_consult_rooms", "hall_treat_rooms", "hall_treat_area", "hospital_grade",
    "dept_guidance", "tech_center", "tcm_dept", "tcm_pharmacy", "fd_teams", "fd_teams_tcm",
    # The national texts' facts (issue 24): 煎药室, 中医健康宣教基地.
    "decoction_room", "edu_base",
)

_SOURCE_SQL = """
SELECT i.id, i.name, y.inst_type, i.type, {fields}
FROM institution i
JOIN institution_year y ON y.institution_id = i.id AND y.year = :source AND y.deleted = 0
WHERE i.deleted = 0
  AND (i.active_from IS NULL OR i.active_from <= :year)
  AND (i.active_to IS NULL OR i.active_to >= :year)
ORDER BY {township}, i.name
""".format(township=township_sql("i", ":year"), fields=", ".join(f"y.{f}" for f in CARRIED_FIELDS))


@dataclass(frozen=True)
class CarryOver:
    """What 开始新年度 did (or, for a dry run, would do)."""

    year: int
    source: int
    institutions: int  # institutions that received at least one value
    values: int  # values copied
    kept: int  # values the new year already had, left as they were

    def summary(self) -> str:
        if not self.institutions:
            return (f"{self.year}年已有这些数据，没有需要从{self.source}年沿用的内容"
                    f"（保留已有数据 {self.kept} 项）。")
        return (f"已从{self.source}年沿用 {self.institutions} 家机构的 {self.values} 项数据到"
                f"{self.year}年（标为“沿用上年”，请逐家确认或修改；诊疗人次、服务人口和活动不沿用）。"
                + (f"{self.year}年已有的 {self.kept} 项数据保持不变。" if self.kept else ""))


def start_new_year(county: CountyFile, year: int) -> CarryOver:
    """Copy year-1's standing facts into `year` for every institution counted in `year`."""
    source = year - 1
    rows = county.query(_SOURCE_SQL, {"source": source, "year": year})
    if not rows:
        raise KnownError(f"{source}年没有任何机构数据，无法开始{year}年度。请先录入或导入"
                         f"{source}年的数据。")
    existing = {r["institution_id"]: r for r in county.rows("institution_year", "year = ?",
                                                            (year,))}
    institutions = values = kept = 0
    with county.atomic():
        for row in rows:
            have = existing.get(row["id"], {})
            # A fact its type does not fill (a value an older file holds) is not carried on.
            type_ = have.get("inst_type") or row["inst_type"] or row["type"]
            copy = {f: row[f] for f in CARRIED_FIELDS
                    if row[f] is not None and have.get(f) is None and applies(f, type_)}
            kept += sum(1 for f in CARRIED_FIELDS
                        if row[f] is not None and have.get(f) is not None)
            if not copy:
                continue
            _, still = parse_carried(have.get("carried"))
            marker = carried_marker(source, [*still, *(f for f in copy if f not in still)])
            extra = {"inst_type": row["inst_type"]} if row["inst_type"] and not have else {}
            county.set_institution_year(row["id"], year, {**copy, **extra, "carried": marker})
            institutions += 1
            values += len(copy)
        result = CarryOver(year, source, institutions, values, kept)
        county.log("开始新年度", label=result.summary())
    return result


def carried_rows(county: CountyFile, year: int) -> list[dict[str, Any]]:
    """The year's records that hold unconfirmed carried-over values, with institution names."""
    return county.query(
        f"SELECT y.id, y.institution_id, y.carried, i.name, {township_sql('i', ':year')} AS "
        "township FROM institution_year y "
        "JOIN institution i ON i.id = y.institution_id AND i.deleted = 0 "
        "WHERE y.year = :year AND y.deleted = 0 AND y.carried IS NOT NULL AND y.carried <> '' "
        "ORDER BY 5, i.name", {"year": year})


def confirm_carried(county: CountyFile, year: int,
                    institution_ids: Iterable[str] | None = None) -> int:
    """Confirm the carried-over values of some institutions (None: all) for `year`, in one go.
    Returns how many institutions were confirmed."""
    wanted = None if institution_ids is None else set(institution_ids)
    done = 0
    with county.atomic():
        for row in carried_rows(county, year):
            if wanted is None or row["institution_id"] in wanted:
                county.update("institution_year", row["id"], {"carried": None}, audit=False)
                done += 1
        if done:
            county.log("确认沿用上年数据", label=f"{year}年 {done} 家机构")
    return done
