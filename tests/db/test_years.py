"""The years a file holds facts for (the window's year list, `evaluate`'s data years): any year
of a county figure, an institution's figures or an activity, never a deleted one's."""

from __future__ import annotations

from pathlib import Path
import shutil
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from db.county import CountyFile

_UNION = """SELECT year FROM county_year WHERE deleted = 0
            UNION SELECT year FROM institution_year WHERE deleted = 0
            UNION SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) FROM activity
                  WHERE deleted = 0 ORDER BY 1"""

_year = st.integers(2018, 2030)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("years") / "县.tcmcounty"
    CountyFile.create(path, "测试县", machine="0" * 32).close()
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=st.lists(st.tuples(_year, st.booleans()), max_size=6),
       activities=st.lists(st.tuples(_year, st.integers(1, 12), st.booleans()), max_size=12),
       county=st.lists(st.tuples(_year, st.booleans()), max_size=3))
def test_the_years_are_those_of_every_live_record(blank: Path, facts, activities,
                                                  county) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / blank.name
        shutil.copyfile(blank, path)
        with CountyFile.open(path, machine="0" * 32, daily_backup=False) as c:
            with c.atomic():  # one write to disk, not one per record
                inst = c.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                                "township": "青石镇"})
                for year, gone in dict(facts).items():
                    rid = c.set_institution_year(inst, year, {"physicians": 3})["id"]
                    if gone:
                        c.delete("institution_year", rid)
                for n, (year, month, gone) in enumerate(activities):
                    rid = c.insert("activity", {"institution_id": inst, "kind": "义诊",
                                                "date": f"{year}-{month:02d}-{n % 28 + 1:02d}",
                                                "title": f"义诊{n}"})
                    if gone:
                        c.delete("activity", rid)
                for year, gone in dict(county).items():
                    rid = c.set_county_year(year, {"resident_population": 1000})["id"]
                    if gone:
                        c.delete("county_year", rid)
            assert c.years() == [r[0] for r in c.conn.execute(_UNION)]
