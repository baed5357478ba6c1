#!/bin/sh
# Build dist/ventrack_<version>_amd64.deb from a PyInstaller one-folder build, staged under build/deb.
# Usage: packaging/linux/build_deb.sh [python]   (python defaults to .venv/bin/python)
set -eu
cd "$(dirname "$0")/../.."
PY=${1:-.venv/bin/python}
VERSION=$("$PY" -c "import desktop; print(desktop.__version__)")
ARCH=amd64
PKG=ventrack_${VERSION}_${ARCH}
STAGE=build/deb/$PKG

echo "== PyInstaller one-folder build"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath build/pyinstaller/dist --workpath build/pyinstaller/work packaging/ventrack.spec

echo "== staging $STAGE"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/ventrack"
cp -a build/pyinstaller/dist/ventrack "$STAGE/opt/ventrack"
ln -s /opt/ventrack/ventrack "$STAGE/usr/bin/ventrack"
install -m 644 resources/ventrack.desktop "$STAGE/usr/share/applications/ventrack.desktop"
install -m 644 resources/icons/ventrack.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/ventrack.svg"
for size in 16 32 48 64 128 256; do
    dir="$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    install -m 644 "resources/icons/ventrack-$size.png" "$dir/ventrack.png"
done
cat > "$STAGE/usr/share/doc/ventrack/copyright" <<TXT
VenTrack $VERSION. Registry and decision support for venetoclax therapy in NPM1-mutated AML.
Bundles Python, Qt for Python (PySide6, LGPLv3), pyqtgraph (MIT), sqlite-utils (Apache-2.0), pydantic (MIT).
TXT
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
# The newest glibc symbol any bundled binary uses (objdump is in binutils, which PyInstaller needs anyway).
GLIBC=$(find "$STAGE/opt" -type f \( -name '*.so*' -o -name ventrack \) -exec objdump -T {} + 2>/dev/null |
    grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
[ -n "$GLIBC" ] || { echo "could not read the glibc version the bundle needs (is objdump installed?)" >&2; exit 1; }
# What the spec leaves to the system (see SYSTEM_LIB in packaging/ventrack.spec): Qt's xcb and wayland platform
# plugins, GL/EGL, fontconfig, D-Bus, and a font; the rest (Qt, Python, numpy) is bundled.
DEPENDS="libc6 (>= $GLIBC), libstdc++6, libgcc-s1, libegl1, libgl1, libexpat1, libfontconfig1, libfreetype6,
 libglib2.0-0, libdbus-1-3, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb1, libxcb-cursor0,
 libxcb-glx0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0,
 libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1, libwayland-client0,
 libwayland-cursor0, libwayland-egl1, fonts-dejavu-core"
cat > "$STAGE/DEBIAN/control" <<CTL
Package: ventrack
Version: $VERSION
Architecture: $ARCH
Maintainer: VenTrack developers <ventrack@localhost>
Installed-Size: $INSTALLED_KB
Depends: $(echo "$DEPENDS" | tr -d '\n')
Section: science
Priority: optional
Description: registry and decision support for venetoclax therapy in NPM1-mutated AML
 VenTrack keeps a local SQLite registry of patients treated with venetoclax plus a hypomethylating
 agent: cycles, NPM1 MRD, blood counts, responses, adverse events and outcomes. It charts MRD and counts,
 shows treatment-free-remission eligibility with its evidence, and raises follow-up alerts.
 Decision support only: a clinician decides.
CTL
find "$STAGE" -type d -exec chmod 755 {} +
mkdir -p dist
rm -f dist/ventrack_*_"$ARCH".deb  # the smoke test installs the newest one: leave no older version about
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "dist/$PKG.deb" >/dev/null
echo "== built dist/$PKG.deb: $(du -h "dist/$PKG.deb" | cut -f1) (installed size $((INSTALLED_KB / 1024)) MB)"
