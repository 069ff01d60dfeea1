"""Licences of what the installed app carries, for the about box and the bundle's licenses/ folder.

`python packaging/licenses.py` rewrites resources/licenses/ (kept in the repo, read by the about box
when running from source) from the installed packages; run it after changing a dependency. Each
build gathers the same texts afresh for the bundle, so its versions are exactly the ones it
carries, and adds the copyright files of the system libraries it bundles. The spec refuses to
build when the bundle holds a package PACKAGES does not list.
"""

from __future__ import annotations

from importlib import metadata
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import sysconfig

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "licenses"

# Every Python distribution the bundle may hold: name as shown, licence (SPDX) where its metadata
# has no License-Expression (PySide6 offers LGPL-3.0 or GPL; the program takes the LGPL).
PACKAGES = {
    "PySide6-Essentials": ("Qt for Python (PySide6)", "LGPL-3.0-only"),
    "shiboken6": ("Shiboken6", "LGPL-3.0-only"),
    "reportlab": ("ReportLab", "BSD-3-Clause"),
    "pillow": ("Pillow", "MIT-CMU"),
    "charset-normalizer": ("charset-normalizer", "MIT"),
    "openpyxl": ("openpyxl", "MIT"),
    "et_xmlfile": ("et_xmlfile", "MIT"),
    "sqlite-utils": ("sqlite-utils", "Apache-2.0"),
    "sqlite-fts4": ("sqlite-fts4", "Apache-2.0"),
    "click": ("Click", "BSD-3-Clause"),
    "click-default-group": ("click-default-group", "BSD-3-Clause"),
    "pluggy": ("pluggy", "MIT"),
    "python-dateutil": ("python-dateutil", "Apache-2.0 OR BSD-3-Clause"),
    "six": ("six", "MIT"),
    "platformdirs": ("platformdirs", "MIT"),
    "pypinyin": ("pypinyin", "MIT"),
}
# The program's own distribution and the build tool are not third-party code in the bundle
# (PyInstaller's bootloader is, and is listed below with its licence).
NOT_THIRD_PARTY = {"tcmcounty", "pyinstaller"}

LICENCE_NAMES = ("LICEN", "COPYING", "NOTICE", "AUTHORS")
COMMON_LICENSES = Path("/usr/share/common-licenses")  # Debian's verbatim FSF texts


def _qt_version() -> str:
    return metadata.version("PySide6-Essentials")


def _licence_files(dist: metadata.Distribution) -> list[Path]:
    found = []
    for item in dist.files or []:
        parts = item.parts
        if parts[0].endswith(".dist-info") and any(n in parts[-1].upper() for n in LICENCE_NAMES):
            found.append(Path(dist.locate_file(item)))
    return sorted(found)


def _python_licence() -> Path:
    for candidate in (Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
                      Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.exists():
            return candidate
    raise SystemExit("Python's LICENSE.txt not found beside the standard library")


def _icu_version() -> str:
    import PySide6

    libs = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicuuc.so.*"))
    return libs[-1].name.rsplit(".", 1)[-1] if libs else "73"


def _static(out: Path, folder: str, name: str, system: Path | None) -> str:
    """A text no installed package carries (Qt's LGPL, ICU's notice): copied once from the Debian
    machine that first gathered it, then taken from the repo, so other builders need no Debian."""
    target, kept = out / folder / name, OUT / folder / name
    if not target.exists():
        source = kept if kept.exists() else system
        if source is None or not source.exists():
            raise SystemExit(f"{folder}/{name}: not in {OUT} and not on this machine")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return f"{folder}/{name}"


def gather(out: Path = OUT) -> list[dict]:
    """Write the licence texts and index.json into `out`; returns the index."""
    out.mkdir(parents=True, exist_ok=True)
    qt_texts = [_static(out, "Qt", name, COMMON_LICENSES / name) for name in ("LGPL-3", "GPL-3")]
    icu = sorted(Path("/usr/share/icu").glob("*/LICENSE"))  # Debian's icu-devtools
    index = [
        {"name": "Python", "version": sys.version.split()[0], "license": "PSF-2.0",
         "files": _copy(out, "Python", [_python_licence()])},
        {"name": "Qt", "version": _qt_version(), "license": "LGPL-3.0-only", "files": qt_texts,
         "note": "QtCore, QtGui, QtWidgets as shipped in the PySide6 wheel, unmodified. The "
                 "LGPL-3.0 builds on the GPL-3.0, so both texts are here. Qt's own third-party "
                 "parts are listed in Qt's documentation, 'Licenses Used in Qt'."},
        {"name": "ICU", "version": _icu_version(), "license": "Unicode-DFS-2016",
         "files": [_static(out, "ICU", "LICENSE", icu[-1] if icu else None)],
         "note": "Unicode support inside Qt on Linux; the text is ICU 72's LICENSE (Debian), "
                 "under the same terms as ICU 73."},
    ]
    for dist_name, (shown, licence) in PACKAGES.items():
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:  # not needed by this environment's versions
            continue
        licence = dist.metadata.get("License-Expression") or licence
        entry = {"name": shown, "version": dist.version, "license": licence}
        files = _licence_files(dist)
        if files:
            entry["files"] = _copy(out, dist.metadata["Name"], files)
        elif licence.startswith("LGPL-3.0"):
            entry["files"] = qt_texts
            entry["note"] = "The wheel carries no licence file; the texts are Qt's."
        else:
            raise SystemExit(f"{dist_name}: no licence file in its dist-info")
        index.append(entry)
    pyinstaller = metadata.distribution("pyinstaller")
    index.append({
        "name": "PyInstaller bootloader", "version": pyinstaller.version,
        "license": "GPL-2.0-or-later WITH Bootloader-exception",
        "files": _copy(out, "PyInstaller", _licence_files(pyinstaller)),
        "note": "The small program that starts the bundle; its exception allows any licence for "
                "the program it starts."})
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")
    return index


def _copy(out: Path, folder: str, files: list[Path]) -> list[str]:
    if (out / folder).exists():
        shutil.rmtree(out / folder)
    (out / folder).mkdir(parents=True)
    for path in files:
        shutil.copyfile(path, out / folder / path.name)
    return [f"{folder}/{path.name}" for path in files]


def unlisted(top_level_modules: set[str]) -> set[str]:
    """Distributions providing these modules that PACKAGES does not list (for the spec)."""
    owners = metadata.packages_distributions()
    listed = {name.lower().replace("_", "-") for name in PACKAGES} | NOT_THIRD_PARTY
    found = {dist for module in top_level_modules for dist in owners.get(module, ())}
    return {dist for dist in found if dist.lower().replace("_", "-") not in listed}


def _debian_package(path: str) -> str | None:
    """The package dpkg installed `path` from, trying the /lib and /usr/lib spellings of it."""
    found = {path, os.path.realpath(path)}
    candidates = found | {p[4:] if p.startswith("/usr/") else "/usr" + p for p in found}
    for candidate in sorted(candidates):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True,
                                check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def system_copyrights(binaries: list[tuple[str, str, str]],
                      out_dir: str) -> list[tuple[str, str, str]]:
    """Copyright files of the system libraries in `binaries` (Debian-based build machines: UOS,
    Kylin, Debian, Ubuntu), written to `out_dir`, as PyInstaller data entries for licenses/system/."""
    if shutil.which("dpkg") is None:
        return []
    out = Path(out_dir)
    prefixes = tuple({os.path.realpath(p) for p in (sys.base_prefix, sys.prefix)})
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lines, packages = [], set()
    for dest, src, _ in binaries:
        if os.path.realpath(src).startswith(prefixes) or "site-packages" in src:
            continue
        package = _debian_package(src)
        lines.append(f"{os.path.basename(dest)}\t{package or '?'}")
        if package:
            packages.add(package.split(":")[0])
    for package in sorted(packages):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.exists():
            shutil.copyfile(copyright_file, out / f"{package}.txt")
    (out / "libraries.txt").write_text(
        "System libraries in this bundle and the Debian package each came from:\n"
        + "\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return [(f"resources/licenses/system/{path.name}", str(path), "DATA")
            for path in sorted(out.iterdir())]


if __name__ == "__main__":
    for entry in gather():
        print(f"{entry['name']} {entry['version']}: {entry['license']}")
