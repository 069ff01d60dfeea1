"""The installed app: build the PyInstaller bundle, then use it as a bureau PC would, from a folder
outside the repository, with no Python, source or virtual environment in sight.

Slow (a build takes a minute or more), so it runs only with TCMCOUNTY_BUILD_BUNDLE=1;
TCMCOUNTY_BUNDLE_DIR=dist/tcmcounty checks an existing build instead of making one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import platform
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(os.environ.get("TCMCOUNTY_BUILD_BUNDLE") != "1",
                       reason="builds the installed app; set TCMCOUNTY_BUILD_BUNDLE=1"),
]

# What the offscreen platform says about any shown window (as in pyproject's qt_log_ignore).
OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints", "This plugin does not support raise")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder app: built now into a temporary folder, or the one TCMCOUNTY_BUNDLE_DIR names."""
    existing = os.environ.get("TCMCOUNTY_BUNDLE_DIR")
    if existing:
        return Path(existing).resolve()
    out = tmp_path_factory.mktemp("pyinstaller")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "packaging" / "tcmcounty.spec"),
         "--noconfirm", "--distpath", str(out / "dist"), "--workpath", str(out / "build")],
        cwd=out, capture_output=True, text=True, timeout=1800, check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    return out / "dist" / "tcmcounty"


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the repository, with the app's own data folder inside it."""
    folder = tmp_path_factory.mktemp("bureau-pc")
    assert ROOT not in folder.resolve().parents
    return folder


def clean_env(place: Path, **extra: str) -> dict[str, str]:
    """No PYTHONPATH, no virtual environment, no Python on PATH; a private data folder."""
    env = {"PATH": os.defpath, "HOME": str(place), "TCMCOUNTY_HOME": str(place / "data")}
    if WINDOWS:
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    env.update(extra)
    return env


def run(bundle: Path, place: Path, *args: str, timeout: float = 120,
        **env: str) -> subprocess.CompletedProcess[str]:
    program = bundle / ("tcmcounty-cli.exe" if WINDOWS else "tcmcounty")
    return subprocess.run([str(program), *args], cwd=place, env=clean_env(place, **env),
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                          check=False)


@pytest.fixture(scope="module")
def county(bundle: Path, place: Path) -> Path:
    done = run(bundle, place, "demo", "青河县.tcmcounty")
    assert done.returncode == 0, done.stderr
    assert (place / "青河县.tcmcounty").stat().st_size > 0
    return place / "青河县.tcmcounty"


def test_bundle_carries_every_resource_and_licence(bundle: Path) -> None:
    shipped = bundle / "_internal" / "resources"
    source = ROOT / "resources"
    for folder in source.iterdir():
        if folder.is_dir() and folder.name not in ("licenses", "__pycache__"):
            assert sorted(p.name for p in (shipped / folder.name).iterdir()) == \
                sorted(p.name for p in folder.iterdir()), folder.name
    index = json.loads((shipped / "licenses" / "index.json").read_text(encoding="utf-8"))
    assert {"Python", "Qt", "ReportLab", "openpyxl", "sqlite-utils"} <= {e["name"] for e in index}
    assert all((shipped / "licenses" / name).is_file() for e in index for name in e["files"])


def test_evaluate_json_has_every_indicator_of_the_profile(bundle: Path, place: Path,
                                                          county: Path) -> None:
    done = run(bundle, place, "evaluate", county.name, "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    profile = json.loads((ROOT / "resources" / "profiles" / "baseline.json").read_text("utf-8"))
    switched_on = {i for i, setting in profile["indicators"].items() if setting["on"]}
    assert result["county"] == "青河县" and result["year"] == 2024
    assert {i["id"] for i in result["indicators"]} == switched_on
    assert all("met" in i and "failing" in i for i in result["indicators"])


def test_report_embeds_the_bundled_font(bundle: Path, place: Path, county: Path) -> None:
    done = run(bundle, place, "report", county.name, "--year", "2024", "-o", "R.pdf")
    assert done.returncode == 0, done.stderr
    assert (place / "R.pdf").read_bytes().startswith(b"%PDF")
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "pdffonts (poppler-utils) is needed to check the PDF's fonts"
    fonts = subprocess.run([pdffonts, str(place / "R.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    wenquanyi = [line.split() for line in fonts if "WenQuanYiMicroHei" in line]
    assert wenquanyi, fonts
    # name type encoding emb sub uni ...: embedded, as a subset (the name has a "ABCDEF+" tag).
    assert all(cols[-5:-2] == ["yes", "yes", "yes"] and "+" in cols[0] for cols in wenquanyi)


def test_export_excel_writes_a_workbook(bundle: Path, place: Path, county: Path) -> None:
    done = run(bundle, place, "export-excel", county.name, "-o", "B.xlsx", "--year", "2024")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(place / "B.xlsx") as book:
        assert "xl/workbook.xml" in book.namelist()


def test_window_opens_on_the_demo_county_and_closes_cleanly(bundle: Path, place: Path) -> None:
    program = bundle / "tcmcounty"  # on Windows: the windowed tcmcounty.exe
    done = subprocess.run(
        [str(program)], cwd=place, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=False,
        # A desktop session always sets a locale; without one Qt warns (and uses UTF-8 anyway).
        env=clean_env(place, QT_QPA_PLATFORM="offscreen", TCMCOUNTY_SMOKE_QUIT_MS="3000",
                      LANG="C.UTF-8"),
    )
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines()
                if line.strip() and not line.startswith(OFFSCREEN_NOISE)]
    assert problems == []
    # First run: the window made the user's own copy of the demo county and opened it.
    assert (place / "data" / "示例县-青河县.tcmcounty").stat().st_size > 0


def test_window_draws_on_an_x_server(bundle: Path, place: Path,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """The xcb platform as on a bureau's X11 desktop (UOS's DDE, Kylin's UKUI): the bundled xcb
    libraries load beside the machine's own, and the window appears on the X server's screen.
    TCMCOUNTY_SCREENSHOT keeps the server's picture of it for a person to look at."""
    xvfb = shutil.which("Xvfb")
    if WINDOWS or xvfb is None:
        pytest.skip("needs Xvfb (apt-get install xvfb)")
    scratch = tmp_path_factory.mktemp("x11")
    shot = Path(os.environ.get("TCMCOUNTY_SCREENSHOT") or scratch / "window.png")
    shot.unlink(missing_ok=True)
    runtime = scratch / "runtime"
    runtime.mkdir(mode=0o700)
    read, write = os.pipe()
    # -displayfd: the server picks a free display and writes its number once it accepts clients.
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as numbers:
            display = numbers.readline().strip()
        assert display, "Xvfb did not start"
        done = subprocess.run(
            [str(bundle / "tcmcounty")], cwd=place, capture_output=True, text=True,
            encoding="utf-8", timeout=120, check=False,
            env=clean_env(place, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb", LANG="C.UTF-8",
                          XDG_RUNTIME_DIR=str(runtime), TCMCOUNTY_SMOKE_QUIT_MS="3000",
                          TCMCOUNTY_SMOKE_SCREENSHOT=str(shot)),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == []
    from PySide6.QtGui import QImage

    picture = QImage(str(shot))
    assert (picture.width(), picture.height()) == (1280, 800)
    # A drawn window (menus, tabs, Chinese text) has many colours; an empty screen has one.
    colours = {picture.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 20, len(colours)


def _versions(text: str, prefix: str) -> set[tuple[int, ...]]:
    return {tuple(int(n) for n in v.split("."))
            for v in re.findall(rf"\b{prefix}_(\d+(?:\.\d+)+)", text)}


def _newest_beyond(dumps: dict[str, str], prefix: str, limit_text: str) -> dict[str, str]:
    """Each file that asks for a PREFIX_x.y newer than limit_text, with the newest it asks for."""
    limit = tuple(int(n) for n in limit_text.split("."))
    found = {}
    for name, dump in dumps.items():
        newer = sorted(v for v in _versions(dump, prefix) if v > limit)
        if newer:
            found[name] = ".".join(map(str, newer[-1]))
    return found


def test_no_shared_object_needs_a_newer_glibc(bundle: Path) -> None:
    """The bundle starts only where glibc is at least as new as every version its files ask for.
    TCMCOUNTY_MAX_GLIBC is the oldest glibc it must run on (2.31 for the build of
    packaging/build-bullseye.sh); without it, this machine's own. The C++ runtime is the machine's
    too (see SYSTEM_LIBS in the spec): TCMCOUNTY_MAX_GLIBCXX, where set, bounds what it needs."""
    objdump = shutil.which("objdump")
    if WINDOWS or objdump is None:
        pytest.skip("needs objdump (binutils) on Linux")
    dumps = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) != b"\x7fELF":
                    continue
            dumps[str(path.relative_to(bundle))] = subprocess.run(
                [objdump, "-T", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(dumps) > 20
    assert any(_versions(dump, "GLIBC") for dump in dumps.values()), "objdump -T named no glibc"
    glibc = os.environ.get("TCMCOUNTY_MAX_GLIBC") or platform.libc_ver()[1]
    assert _newest_beyond(dumps, "GLIBC", glibc) == {}, f"need glibc newer than {glibc}"
    cxx = os.environ.get("TCMCOUNTY_MAX_GLIBCXX")
    if cxx:
        assert _newest_beyond(dumps, "GLIBCXX", cxx) == {}, f"need libstdc++ newer than {cxx}"
