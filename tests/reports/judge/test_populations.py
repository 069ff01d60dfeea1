"""Every indicator states its population, the institution types that must report for it, and
decides 未填报 and 待填报 over exactly those: an institution of any other type is never listed
as 未填报 for it (a village clinic without a row does not hold up the centres' family-doctor
teams), and one of those types that has not reported is."""

from __future__ import annotations

import pytest

from db.county import CountyFile
from db.vocab import INSTITUTION_TYPES
from reports.judge.catalogue import CATALOGUE, BY_ID
from reports.judge.profiles import copy_profile, update_profile

from tests.reports.conftest import act, inst, run

_ALL_ON = {"indicators": {i: {"on": True} for i in ("A6", "A7", "C2")}}


@pytest.fixture(scope="module")
def unreported(tmp_path_factory):
    """One institution of every type with nothing for the year, beside a private clinic that
    reported (so the year has figures and a log), under a profile with every indicator on."""
    path = tmp_path_factory.mktemp("populations") / "测试县.tcmcounty"
    with CountyFile.create(path, "测试县") as county:
        ids = {t: inst(county, f"未报{INSTITUTION_TYPES[t]}", t) for t in INSTITUTION_TYPES
               if t != "tcm_clinic"}
        clinic = inst(county, "某中医诊所", "tcm_clinic", {"physicians": 2, "tcm_physicians": 2})
        act(county, clinic, "义诊", people=30)
        county.set_county_year(2024, {"resident_population": 100_000})
        own = copy_profile(county, "baseline", "全部指标")
        update_profile(county, own.id, _ALL_ON)
        return ids, run(county, profile=own.id)


@pytest.mark.parametrize("ind", [i.id for i in CATALOGUE])
def test_only_the_population_is_ever_listed_as_not_reported(unreported, ind):
    ids, evaluation = unreported
    result = evaluation.result(ind)
    assert result is not None
    listed = {f.institution_id for f in result.not_reported}
    expected = {ids[t] for t in BY_ID[ind].must_report}
    assert listed == expected, (BY_ID[ind].population_text, [f.institution for f in
                                                             result.not_reported])
    assert result.met is not True  # nobody of the population has reported: never 达标


def test_every_indicator_says_who_must_report():
    for ind in CATALOGUE:
        assert ind.population_text, ind.id
        assert set(ind.must_report) <= set(INSTITUTION_TYPES)
    assert BY_ID["B14"].population_text == "社区卫生服务中心、乡镇卫生院"
    assert BY_ID["C5"].scope == () and BY_ID["C5"].must_report == ("chc", "township_hc")
    assert BY_ID["B5"].population_text == "全县数据"
