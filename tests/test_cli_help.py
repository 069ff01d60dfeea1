"""The command line's help and usage errors are Chinese throughout, every argument explained;
help into a closed pipe ends quietly."""

import os
import re
import subprocess
import sys

import pytest

from desktop import cli

ENGLISH = ("usage:", "options:", "positional arguments", "show this help",
           "the following arguments", "invalid choice", "error:", "expected one argument")


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        cli.main([*argv, "-h"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [None, *cli.COMMANDS])
def test_help_is_chinese_and_explains_every_argument(command: str | None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, *([command] if command else []))
    assert text.startswith("用法：tcmcounty")
    for word in ENGLISH:
        assert word not in text, word
    assert "显示本帮助并退出" in text
    if command is None:
        assert "tcmcounty FILE" in text and "退出码" in text
        return
    # Every argument line ("  FILE   …", "  --year Y   …") carries an explanation.
    body = text.split("\n\n", 1)[1]
    lines = [line for line in body.splitlines() if line.startswith("  ")]
    for i, line in enumerate(lines):
        if re.match(r"^  \S", line):
            explained = re.match(r"^  \S.*?\s{2,}\S", line) or (
                i + 1 < len(lines) and re.match(r"^\s{10,}\S", lines[i + 1]))
            assert explained, f"{command}: {line!r} has no explanation"


@pytest.mark.parametrize("argv, words", [
    (["evaluate"], "缺少必需的参数：FILE, --year"),
    (["demo", "x.tcmcounty", "--size", "big"], "无效的选项 'big'"),
    (["evaluate", "a.tcmcounty", "--year"], "后面应跟一个值"),
    (["evaluate", "a.tcmcounty", "--year", "2024", "--colour"], "无法识别的参数：--colour"),
])
def test_usage_errors_are_chinese(argv: list[str], words: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "用法错误" in err
    for word in ENGLISH:
        assert word not in err, word


def test_argparse_elsewhere_keeps_its_own_words() -> None:
    import argparse

    cli.build_parser()
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


# Python buffers stdout into a pipe, and flushes it at exit, unless PYTHONUNBUFFERED is set (as on
# some machines); the installed app and a clerk's shell do not set it.
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_help_into_a_closed_pipe_ends_quietly(unbuffered: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    for argv in (["merge", "-h"], ["-h"]):
        child = subprocess.Popen([sys.executable, "-m", "desktop", *argv], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # like `| head` that has read enough
        err = child.stderr.read().decode("utf-8")
        child.stderr.close()
        assert child.wait() in (0, 3)
        assert "Traceback" not in err and "Exception" not in err, err
