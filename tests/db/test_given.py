"""The one check of a path the user gives: each way a path is not a readable file is one Chinese
sentence naming it, with the error class the caller asked for; comparing paths never raises."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from db import given
from db.errors import KnownError, NotCountyFile


class _Refused(KnownError):
    pass


class _Failed(KnownError):
    pass


def _check(path: Path) -> None:
    given.check_readable(path, "Excel 工作簿", refused=_Refused, failed=_Failed)


@pytest.mark.parametrize(("code", "words"), [(errno.EACCES, "没有权限"),
                                             (errno.EIO, "读写磁盘或U盘时出错（U盘可能已拔出）"),
                                             (errno.ENXIO, "设备不存在或未连接")])
def test_a_file_that_may_not_be_read_says_why_in_chinese(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    path = tmp_path / "表.xlsx"
    path.write_bytes(b"PK")

    def refuse(*_a: object, **_k: object) -> None:
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(given, "open", refuse, raising=False)
    with pytest.raises(_Failed, match=f"^无法读取文件“表.xlsx”：{words}。$"):
        _check(path)


def test_each_kind_of_path_that_is_no_file(tmp_path: Path) -> None:
    loop = tmp_path / "环.xlsx"
    loop.symlink_to(loop)
    gone = tmp_path / "旧.xlsx"
    gone.symlink_to(tmp_path / "没了.xlsx")
    with pytest.raises(_Refused, match="^“环.xlsx”是循环指向自身的链接（快捷方式），不是 Excel 工作簿。$"):
        _check(loop)
    with pytest.raises(_Failed, match="^“旧.xlsx”是一个链接（快捷方式），它指向的文件已不存在。$"):
        _check(gone)
    with pytest.raises(_Failed, match="^找不到文件“.*无.xlsx”。$"):
        _check(tmp_path / "无.xlsx")
    with pytest.raises(_Refused, match="^“.*”是一个文件夹，不是 Excel 工作簿。$"):
        _check(tmp_path)
    with pytest.raises(NotCountyFile, match="不是普通文件（是管道、设备等特殊文件），不是县级数据文件"):
        given.check_readable(Path(os.devnull), "县级数据文件")


def test_comparing_paths_never_raises_on_a_loop(tmp_path: Path) -> None:
    loop = tmp_path / "环.tcmcounty"
    loop.symlink_to(loop)
    other = tmp_path / "县.tcmcounty"
    other.write_bytes(b"x")
    link = tmp_path / "快捷方式.tcmcounty"
    link.symlink_to(other)
    assert given.same_file(loop, loop)
    assert not given.same_file(loop, other)
    assert given.same_file(link, other)
