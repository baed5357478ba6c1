#!/bin/sh
# Build dist/VenTrack-<version>.dmg on macOS: PyInstaller makes VenTrack.app (BUNDLE in the spec),
# hdiutil wraps it in a compressed disk image with a link to /Applications.
# Needs: Python 3.11 with `pip install -c constraints.txt -e '.[package]' pillow` (Pillow converts the icon).
set -eu
cd "$(dirname "$0")/../.."
PY=${PY:-python3}
VERSION=$("$PY" -c "import desktop; print(desktop.__version__)")
"$PY" -m PyInstaller --noconfirm --clean --distpath build/pyinstaller/dist --workpath build/pyinstaller/work \
    packaging/ventrack.spec
STAGE=build/dmg
rm -rf "$STAGE" && mkdir -p "$STAGE" dist
cp -R build/pyinstaller/dist/VenTrack.app "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "VenTrack $VERSION" -srcfolder "$STAGE" -ov -format UDZO "dist/VenTrack-$VERSION.dmg"
echo "built dist/VenTrack-$VERSION.dmg"
