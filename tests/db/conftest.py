"""Small county files built in the test, so each expected number is visible where it is used."""

from pathlib import Path

import pytest

from db.county import CountyFile


@pytest.fixture
def county(tmp_path: Path):
    c = CountyFile.create(tmp_path / "县.tcmcounty", "测试县")
    yield c
    c.close()


@pytest.fixture
def centre(county: CountyFile) -> str:
    return county.insert("institution", {"name": "青石镇卫生院", "type": "township_hc",
                                         "township": "青石镇"})
