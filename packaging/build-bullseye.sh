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
#      only 3.9), installed in /opt/python3.11 of the root; for arm64 on an x86_64 machine it is
#      cross-compiled in the amd64 root (made too), which takes minutes instead of hours;
#   3. a virtual environment with packaging/requirements-bullseye.txt (PySide6 6.8.0.2, whose
#      wheels need glibc <= 2.31 on both architectures);
#   4. the test suite against those versions (skip with TCMCOUNTY_SKIP_SUITE=1: slow under qemu);
#   5. pyinstaller packaging/tcmcounty.spec;
#   6. tests/test_bundle.py on the bundle, from a cleared environment (env -i): demo, evaluate
#      --json, report with the embedded font, export-excel, the window offscreen and under Xvfb on
#      the xcb platform (screenshot kept), and no shared object needing glibc newer than 2.31
#      or a C++ runtime newer than GCC 10's;
#   7. WORKDIR/tcmcounty-VERSION-linux-ARCH-glibc2.31.tar.gz and the window's screenshot.
set -euo pipefail
{  # read whole before running, so an edit to this file cannot change a run under way

ARCH=${1:?usage: packaging/build-bullseye.sh amd64|arm64 [WORKDIR]}
WORK=$(realpath -m "${2:-/var/tmp/tcmcounty-bullseye}")
REPO=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=${DEBIAN_MIRROR:-$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
    /etc/apt/sources.list.d 2>/dev/null | grep -oE 'https?://[^ ]+' | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
MAX_GLIBC=2.31
# The C++ runtime is the machine's own (the spec leaves it out): GCC 10's, as in Debian 11 and
# Ubuntu 20.04 (on which Kylin V10 is built).
MAX_GLIBCXX=3.4.28
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
# What cross-compiling Python for arm64 needs in the amd64 root.
CROSS_PACKAGES="crossbuild-essential-arm64 libssl-dev:arm64 zlib1g-dev:arm64 libffi-dev:arm64
libsqlite3-dev:arm64 libbz2-dev:arm64 liblzma-dev:arm64 uuid-dev:arm64"
PY_MODULES="ssl, sqlite3, ctypes, lzma, bz2, zlib, pyexpat, xml.etree.ElementTree, uuid, ensurepip"

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount -l "$m" || true; done; }
trap cleanup EXIT

root_of() { echo "$WORK/bullseye-$1"; }
in_root() {  # in_root ARCH COMMAND...: run in that root with a bare environment
    local rootfs; rootfs=$(root_of "$1"); shift
    chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

make_root() {  # the root for ARCH, made once, mounted for this run, with the packages above
    local arch=$1 rootfs; rootfs=$(root_of "$1")
    if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
        log "debootstrap bullseye $arch"
        debootstrap --arch="$arch" --variant=minbase --include="$PACKAGES" bullseye "$rootfs" "$MIRROR"
    fi
    if ! mountpoint -q "$rootfs/proc"; then
        local m
        for m in "proc /proc -t proc" "/dev /dev --bind" "devpts /dev/pts -t devpts" "sysfs /sys -t sysfs"; do
            set -- $m
            mkdir -p "$rootfs$2" && mount "${@:3}" "$1" "$rootfs$2" && mounted=("$rootfs$2" "${mounted[@]}")
        done
    fi
    cp -L /etc/resolv.conf "$rootfs/etc/resolv.conf"
    # The packages a root made by an older run of this script may lack.
    in_root "$arch" apt-get install -y -q --no-install-recommends ${PACKAGES//,/ } >/dev/null
}

# Python 3.11's source, from Debian 12's python3.11 package: the upstream tarball plus Debian's
# fixes that are upstream's own backports (the CVE and gh- patches), into /build/NAME/src.
prepare_source() {
    local arch=$1 name=$2
    echo "deb-src $MIRROR bookworm main" > "$(root_of "$arch")/etc/apt/sources.list.d/bookworm-src.list"
    in_root "$arch" apt-get update -q >/dev/null
    in_root "$arch" bash -euc '
        rm -rf /build/'"$name"' && mkdir -p /build/'"$name"' && cd /build/'"$name"'
        apt-get source -q --download-only python3.11 >/dev/null 2>&1
        ls python3.11_*.dsc
        tar xf python3.11_*.orig.tar.*
        mkdir debian && tar xf python3.11_*.debian.tar.* -C debian --strip-components=1
        mv "$(find . -maxdepth 1 -type d -name "Python-3.11*" | head -n1)" src
        for p in $(grep -E "^(CVE|gh-|bpo-)" debian/patches/series || true); do
            if patch -d src -p1 --dry-run -s < "debian/patches/$p" >/dev/null 2>&1; then
                patch -d src -p1 -s < "debian/patches/$p"; applied="${applied:-} $p"
            else
                echo "not applied (does not apply to the plain tarball): $p"
            fi
        done
        echo "applied:${applied:-}"
        # Backported fixes use internal headers, which Debian gets by building pyexpat into the
        # interpreter; built as a module it needs what upstream 3.12 says at its top.
        if grep -q "pycore_" src/Modules/pyexpat.c && ! grep -q Py_BUILD_CORE_MODULE src/Modules/pyexpat.c; then
            sed -i "1i #ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif" src/Modules/pyexpat.c
        fi
    '
}

# No PGO: it would run the test suite during the build, hours under qemu; plain -O3 is enough
# for a program that waits on its user.
CONFIGURE="--prefix=/opt/python3.11 --enable-shared LDFLAGS=-Wl,-rpath,/opt/python3.11/lib"

python_native() {  # Python 3.11 built inside the root of ARCH, in its /opt/python3.11
    local arch=$1
    in_root "$arch" "$PY" -c "import $PY_MODULES" 2>/dev/null && return
    log "Python 3.11 from source ($arch, native)"
    prepare_source "$arch" python
    in_root "$arch" bash -euc "
        cd /build/python/src
        ./configure -q $CONFIGURE --with-ensurepip=install
        make -s -j\$(nproc) >/build/python/make.log 2>&1 || { tail -n 40 /build/python/make.log; exit 1; }
        make -s altinstall >/build/python/install.log 2>&1 || { tail -n 40 /build/python/install.log; exit 1; }
    "
    in_root "$arch" "$PY" -c "import $PY_MODULES; print('Python', __import__('sys').version)"
}

python_cross_arm64() {  # arm64 Python cross-compiled in the amd64 root (native speed), copied in
    in_root arm64 "$PY" -c "import $PY_MODULES" 2>/dev/null && return
    make_root amd64
    python_native amd64  # a cross build needs a Python of the same version to run its tools
    log "Python 3.11 from source (arm64, cross-compiled in the amd64 root)"
    local amd; amd=$(root_of amd64)
    in_root amd64 bash -euc "dpkg --add-architecture arm64 && apt-get update -q >/dev/null &&
        apt-get install -y -q --no-install-recommends $(echo $CROSS_PACKAGES) >/dev/null"
    prepare_source amd64 python-arm64
    in_root amd64 bash -euc "
        cd /build/python-arm64/src
        # What configure cannot find out without running arm64 programs (true on Linux).
        printf '%s\\n' ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=no ac_cv_buggy_getaddrinfo=no > config.site
        CONFIG_SITE=\$PWD/config.site PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
            ./configure -q --build=x86_64-linux-gnu --host=aarch64-linux-gnu \
            --with-build-python=$PY $CONFIGURE --with-ensurepip=no
        make -s -j\$(nproc) >/build/python-arm64/make.log 2>&1 || { tail -n 40 /build/python-arm64/make.log; exit 1; }
        rm -rf /build/python-arm64/root
        make -s altinstall DESTDIR=/build/python-arm64/root >/build/python-arm64/install.log 2>&1 ||
            { tail -n 40 /build/python-arm64/install.log; exit 1; }
    "
    rm -rf "$(root_of arm64)/opt/python3.11"
    cp -a "$amd/build/python-arm64/root/opt/python3.11" "$(root_of arm64)/opt/"
    in_root arm64 "$PY" -m ensurepip --default-pip >/dev/null
    in_root arm64 "$PY" -c "import $PY_MODULES; print('Python', __import__('sys').version)"
}

make_root "$ARCH"
if [ "$ARCH" = arm64 ] && [ "$(uname -m)" = x86_64 ] && [ "${TCMCOUNTY_ARM64_UNDER_QEMU:-0}" != 1 ]; then
    python_cross_arm64
else
    python_native "$ARCH"
fi
ROOTFS=$(root_of "$ARCH")

# 3. The source (tracked and new files, as they are in the work tree) and the environment.
log "source and virtual environment"
rm -rf "$ROOTFS/build/src" && mkdir -p "$ROOTFS/build/src"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
    | tar -c --null -T - --ignore-failed-read -f - 2>/dev/null) | tar -x -C "$ROOTFS/build/src"
# pip in the root trusts what this machine trusts (a proxy that re-signs TLS, a local index).
cp -L /etc/ssl/certs/ca-certificates.crt "$ROOTFS/build/host-ca.pem" 2>/dev/null ||
    cp -L "$ROOTFS/etc/ssl/certs/ca-certificates.crt" "$ROOTFS/build/host-ca.pem"
in_root "$ARCH" bash -euc "
    [ -x /build/venv/bin/python ] || $PY -m venv /build/venv
    PIP_CERT=/build/host-ca.pem PIP_INDEX_URL=${PIP_INDEX_URL:-https://pypi.org/simple} \\
        /build/venv/bin/pip install -q --upgrade --disable-pip-version-check \\
        -r /build/src/packaging/requirements-bullseye.txt
    /build/venv/bin/python -c 'import sys, PySide6; print(sys.version.split()[0], \"PySide6\", PySide6.__version__)'
"

# 4. The test suite against the bundle's versions.
if [ "${TCMCOUNTY_SKIP_SUITE:-0}" != 1 ]; then
    log "test suite (Qt offscreen)"
    in_root "$ARCH" bash -euc "cd /build/src && QT_QPA_PLATFORM=offscreen /build/venv/bin/python -m pytest -q -p no:cacheprovider"
fi

# 5. The bundle.
log "pyinstaller"
in_root "$ARCH" bash -euc "cd /build/src && /build/venv/bin/python -m PyInstaller packaging/tcmcounty.spec \
    --noconfirm --log-level WARN --distpath /build/dist --workpath /build/pyi"

# 6. The smoke test, from a cleared environment; the bundle sees only clean_env's variables.
log "smoke test of the bundle"
rm -f "$ROOTFS/build/window.png"
in_root "$ARCH" bash -euc "cd /build/src && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TCMCOUNTY_BUILD_BUNDLE=1 \
    TCMCOUNTY_BUNDLE_DIR=/build/dist/tcmcounty TCMCOUNTY_MAX_GLIBC=$MAX_GLIBC TCMCOUNTY_MAX_GLIBCXX=$MAX_GLIBCXX \
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
exit
}
