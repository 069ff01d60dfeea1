"""`tcmcounty plan`: the path in order as JSON (the contract's keys) and as text, with pace."""

import datetime as _dt
import hashlib
import json
from pathlib import Path

import pytest

from db.demo import write_demo
from desktop import plan_cli
from desktop.cli import main


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "青河县.tcmcounty", "small")


def test_plan_json_holds_the_path_in_order(demo: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cli, "today", lambda: _dt.date(2025, 3, 1))
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    assert main(["plan", str(demo), "--year", "2024", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"total", "pass_mark", "reachable", "projected", "actions"} <= set(out)
    assert (out["total"], out["pass_mark"], out["reachable"], out["projected"]) == \
        (70.3, 80, True, 81.3)
    actions = out["actions"]
    for a in actions:
        assert {"item", "institution", "points", "veto", "what"} <= set(a)
    assert [a["order"] for a in actions] == list(range(1, len(actions) + 1))
    path = actions[:out["path_length"]]
    assert [a["item"] for a in path] == ["G01", "G05", "G06", "G03"]
    assert path[0]["veto"] is True and path[0]["institution"] is None
    at_one = next(a for a in actions if a["institution"] is not None)
    assert at_one["what"].startswith(at_one["institution"] + "：")
    assert round(out["total"] + sum(a["points"] for a in path), 1) == out["projected"]
    # The year is over: what falls short of its yearly minimum is 未达到.
    assert out["pace"] and {p["status"] for p in out["pace"]} == {"未达到"}
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before  # read only


def test_plan_text_says_what_to_do_first(demo: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cli, "today", lambda: _dt.date(2024, 9, 1))
    assert main(["plan", str(demo), "--year", "2024"]) == 0
    text = capsys.readouterr().out
    assert "按达标路径完成前 4 项行动，得分可达 81.3 分并满足全部必备项" in text
    assert "   1  G01  【必备】+3 分 → 73.3  〔佐证材料〕上传 一（一）1 佐证材料（对应任务已完成）" in text
    assert "年度最低要求进度（到今天）：" in text and "落后" in text


def test_plan_on_a_file_that_is_not_a_county_file_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "x.tcmcounty"
    bad.write_bytes(b"hello")
    assert main(["plan", str(bad), "--year", "2024"]) == 3
