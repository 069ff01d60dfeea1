#!/bin/bash
# The installed app for older Linux PCs (glibc 2.31: 麒麟 Kylin V10, Debian 11, Ubuntu 20.04), built
# and checked inside a Debian 11 (bullseye) root made on this machine.
#
#   sudo packaging/build-bullseye.sh amd64|arm64 [WORKDIR]
#
# Needs root, debootstrap and a Debian mirror (apt's own); for arm64 on an x86_64 machine also
# qemu-user-static and binfmt-support (arm64 programs then run under qemu: many times slower).
# WORKDIR (default /var/tmp/tcmcounty-bullseye) holds the root, Python's build and the output, and
# must not be inside the repository. Steps, each skipped when its result is already there:
#   1. debootstrap bullseye into WORKDIR/bullseye-ARCH with the build tools and the libraries Qt
#      needs at run time (X11/xcb, OpenGL, fontconfig) plus Xvfb for the window test;
#   2. CPython 3.11 built there from the source of Debian 12's python3.11 package (bullseye has
#      only 3.9), installed in /opt/python3.11 of the root;
#   3. a virtual environment with packaging/requirements-bullseye.txt (PySide6 6.8.0.2, whose
#      wheels need glibc <= 2.31 on both architectures);
#   4. the test suite against those versions (skip with TCMCOUNTY_SKIP_SUITE=1: slow under qemu);
#   5. pyinstaller packaging/tcmcounty.spec;
#   6. tests/test_bundle.py on the bundle, from a cleared environment (env -i): demo, evaluate
#      --json, report with the embedded font, export-excel, the window offscreen and under Xvfb on
#      the xcb platform (screenshot kept), and no shared object needing glibc newer than 2.31;
#   7. WORKDIR/tcmcounty-VERSION-linux-ARCH-glibc2.31.tar.gz and the window's screenshot.
set -euo pipefail

ARCH=${1:?usage: packaging/build-bullseye.sh amd64|arm64 [WORKDIR]}
WORK=$(realpath -m "${2:-/var/tmp/tcmcounty-bullseye}")
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOTFS=$WORK/bullseye-$ARCH
MIRROR=${DEBIAN_MIRROR:-$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
    /etc/apt/sources.list.d 2>/dev/null | grep -oE 'https?://[^ ]+' | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
MAX_GLIBC=2.31
PY=/opt/python3.11/bin/python3.11

case $ARCH in amd64|arm64) ;; *) echo "ARCH must be amd64 or arm64" >&2; exit 2 ;; esac
case $WORK/ in "$REPO"/*) echo "WORKDIR must be outside the repository" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot)" >&2; exit 2; }
mkdir -p "$WORK"
log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# 1. The root. minbase plus what building Python needs and what Qt's xcb platform loads.
PACKAGES=build-essential,dpkg-dev,pkg-config,ca-certificates,binutils,file,xz-utils,\
libssl-dev,zlib1g-dev,libffi-dev,libsqlite3-dev,libbz2-dev,liblzma-dev,libreadline-dev,\
uuid-dev,libgdbm-dev,libncurses-dev,\
libgl1,libegl1,libopengl0,libglib2.0-0,libdbus-1-3,libfontconfig1,libfreetype6,\
libxkbcommon0,libxkbcommon-x11-0,libx11-xcb1,libxrender1,libxi6,libsm6,libice6,\
libxcb-cursor0,libxcb-icccm4,libxcb-image0,libxcb-keysyms1,libxcb-randr0,libxcb-render-util0,\
libxcb-shape0,libxcb-xinerama0,libxcb-xkb1,libxcb-xfixes0,\
xvfb,xauth,poppler-utils
if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
    log "debootstrap bullseye $ARCH"
    debootstrap --arch="$ARCH" --variant=minbase --include="$PACKAGES" bullseye "$ROOTFS" "$MIRROR"
fi

mounted=()
mount_in() { mkdir -p "$ROOTFS$2"; mount "${@:3}" "$1" "$ROOTFS$2"; mounted=("$ROOTFS$2" "${mounted[@]}"); }
cleanup() { for m in "${mounted[@]}"; do umount -l "$m" || true; done; }
trap cleanup EXIT
mount_in proc /proc -t proc
mount_in /dev /dev --bind
mount_in devpts /dev/pts -t devpts
mount_in sysfs /sys -t sysfs
cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 "$@"; }

# The packages a root made by an older run of this script may lack.
in_root apt-get install -y -q --no-install-recommends ${PACKAGES//,/ } >/dev/null

# 2. Python 3.11 from Debian 12's source package (upstream tarball plus Debian's fixes that are
# upstream's own backports: the CVE and gh- patches). No PGO: it would run the test suite during
# the build, hours under qemu; plain -O2 is enough for a program that waits on its user.
if [ ! -x "$ROOTFS$PY" ]; then
    log "Python 3.11 from source"
    echo "deb-src $MIRROR bookworm main" > "$ROOTFS/etc/apt/sources.list.d/bookworm-src.list"
    in_root apt-get update -q >/dev/null
    in_root bash -euc '
        rm -rf /build/python && mkdir -p /build/python && cd /build/python
        apt-get source -q --download-only python3.11
        tar xf python3.11_*.orig.tar.*
        mkdir debian && tar xf python3.11_*.debian.tar.* -C debian --strip-components=1
        src=$(find . -maxdepth 1 -type d -name "Python-3.11*" | head -n1)
        for p in $(grep -E "^(CVE|gh-|bpo-)" debian/patches/series || true); do
            if patch -d "$src" -p1 --dry-run -s < "debian/patches/$p" >/dev/null 2>&1; then
                patch -d "$src" -p1 -s < "debian/patches/$p" && echo "applied $p"
            else
                echo "skipped $p (does not apply to the plain tarball)"
            fi
        done
        cd "$src"
        ./configure -q --prefix=/opt/python3.11 --enable-shared --with-ensurepip=install \
            LDFLAGS="-Wl,-rpath,/opt/python3.11/lib"
        make -s -j"$(nproc)" >/build/python/make.log 2>&1 || { tail -n 40 /build/python/make.log; exit 1; }
        make -s altinstall >/build/python/install.log 2>&1
        /opt/python3.11/bin/python3.11 -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, readline, uuid; print(\"python ok\")"
    '
fi

# 3. The source (tracked and new files, as they are in the work tree) and the environment.
log "source and virtual environment"
rm -rf "$ROOTFS/build/src" && mkdir -p "$ROOTFS/build/src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
    | tar -c --null -T - --ignore-failed-read -f - 2>/dev/null) | tar -x -C "$ROOTFS/build/src"
in_root bash -euc "
    [ -x /build/venv/bin/python ] || $PY -m venv /build/venv
    /build/venv/bin/pip install -q --upgrade -r /build/src/packaging/requirements-bullseye.txt
    /build/venv/bin/python -c 'import sys, PySide6; print(sys.version.split()[0], \"PySide6\", PySide6.__version__)'
"

# 4. The test suite against the bundle's versions.
if [ "${TCMCOUNTY_SKIP_SUITE:-0}" != 1 ]; then
    log "test suite (Qt offscreen)"
    in_root bash -euc "cd /build/src && QT_QPA_PLATFORM=offscreen /build/venv/bin/python -m pytest -q -p no:cacheprovider"
fi

# 5. The bundle.
log "pyinstaller"
in_root bash -euc "cd /build/src && /build/venv/bin/python -m PyInstaller packaging/tcmcounty.spec \
    --noconfirm --log-level WARN --distpath /build/dist --workpath /build/pyi"

# 6. The smoke test, from a cleared environment; the bundle sees only clean_env's variables.
log "smoke test of the bundle"
rm -f "$ROOTFS/build/window.png"
in_root bash -euc "cd /build/src && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TCMCOUNTY_BUILD_BUNDLE=1 \
    TCMCOUNTY_BUNDLE_DIR=/build/dist/tcmcounty TCMCOUNTY_MAX_GLIBC=$MAX_GLIBC \
    TCMCOUNTY_SCREENSHOT=/build/window.png \
    /build/venv/bin/python -m pytest -q -p no:cacheprovider -rs tests/test_bundle.py"

# 7. The archive to hand out.
VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$REPO/pyproject.toml" | head -n1)
OUT=$WORK/tcmcounty-$VERSION-linux-$ARCH-glibc$MAX_GLIBC.tar.gz
tar -C "$ROOTFS/build/dist" -czf "$OUT" tcmcounty
cp "$ROOTFS/build/window.png" "$WORK/window-$ARCH.png"
log "done"
du -sh "$ROOTFS/build/dist/tcmcounty" "$OUT"
echo "bundle: $ROOTFS/build/dist/tcmcounty"
echo "screenshot: $WORK/window-$ARCH.png"
