#!/bin/sh
# Smoke test of the packaged app: install the .deb (with apt-get when root, which pulls its Depends:; else
# unpacked into a scratch root), check what it installed, then drive the installed binary: --version, demo,
# eligibility --json, FHIR and XLSX exports, the GUI offscreen; finally remove the package and check the user's
# registry and log are still there. Any failure exits non-zero.
set -eu
cd "$(dirname "$0")/../.."
DEB=$(ls -t dist/ventrack_*_amd64.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || { echo "no dist/ventrack_*.deb: run 'make package' first" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# A fresh user: platformdirs puts the registry under XDG_DATA_HOME and the log under XDG_STATE_HOME.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" XDG_STATE_HOME="$WORK/home/.local/state" \
    XDG_CONFIG_HOME="$WORK/home/.config" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    step "apt-get install ./$DEB"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$DEB" >/dev/null
    ROOT=""
    INSTALLED=system
else
    step "unpacking $DEB into a scratch root (not root: dependencies are not installed)"
    dpkg-deb -x "$DEB" "$WORK/root"
    ROOT="$WORK/root"
    INSTALLED=scratch
fi
BIN="$ROOT/opt/ventrack/ventrack"
[ "$INSTALLED" = scratch ] || { BIN=/usr/bin/ventrack; [ "$(readlink -f "$BIN")" = /opt/ventrack/ventrack ] || fail "/usr/bin/ventrack"; }
echo "   package $(du -h "$DEB" | cut -f1), installed $(du -sh "$ROOT/opt/ventrack" | cut -f1) in /opt/ventrack"

step "desktop entry and hicolor icons"
DESKTOP="$ROOT/usr/share/applications/ventrack.desktop"
[ -f "$DESKTOP" ] || fail "no $DESKTOP"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$DESKTOP" || fail "desktop-file-validate $DESKTOP"
else
    echo "   (desktop-file-validate not installed: skipped)"
fi
for size in 16x16 32x32 48x48 64x64 128x128 256x256; do
    [ -f "$ROOT/usr/share/icons/hicolor/$size/apps/ventrack.png" ] || fail "no $size icon"
done
[ -f "$ROOT/usr/share/icons/hicolor/scalable/apps/ventrack.svg" ] || fail "no scalable icon"

if [ "$INSTALLED" = system ]; then
    step "every bundled library and plugin finds its dependencies"
    missing=$(find /opt/ventrack -type f -name '*.so*' -exec env LD_LIBRARY_PATH=/opt/ventrack/_internal ldd {} + 2>/dev/null |
        awk '/^\// {file=$1} /not found/ {print file, $1}')
    [ -z "$missing" ] || fail "unresolved libraries (add their packages to Depends: in build_deb.sh):
$missing"
fi

step "ventrack --version names the rules, and the bundle ships them (Help → Clinical rules)"
"$BIN" --version | grep "^ventrack .*clinical rules version" || fail "--version"
grep -q "^# VenTrack clinical rules (version" "$ROOT/opt/ventrack/_internal/docs/clinical-rules.md" ||
    fail "docs/clinical-rules.md is not in the bundle"
step "demo registry of 50 patients"
"$BIN" demo --db "$WORK/demo.sqlite" --patients 50 --seed 3
step "an encrypted registry (SQLCipher is bundled)"
VENTRACK_PASSPHRASE=smoke-test "$BIN" demo --db "$WORK/encrypted.sqlite" --patients 5 --encrypt
head -c 16 "$WORK/encrypted.sqlite" | grep -q "SQLite format" && fail "the encrypted registry has a plain SQLite header"
VENTRACK_PASSPHRASE=smoke-test "$BIN" check --db "$WORK/encrypted.sqlite" || fail "check on the encrypted registry"
VENTRACK_PASSPHRASE=wrong "$BIN" check --db "$WORK/encrypted.sqlite" 2>/dev/null && fail "a wrong passphrase opened it"
step "eligibility --json"
"$BIN" eligibility --db "$WORK/demo.sqlite" --json > "$WORK/eligibility.json"
python3 - "$WORK/eligibility.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 50, len(rows)
assert all(r["status"] in {"eligible", "not_eligible", "insufficient_data", "not_applicable"} for r in rows)
print(f"   {len(rows)} patients evaluated")
PY
step "export --format fhir"
"$BIN" export --db "$WORK/demo.sqlite" --format fhir --out "$WORK/bundle.json"
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); assert b['resourceType']=='Bundle' and b['entry']; print('  ', len(b['entry']), 'entries')" "$WORK/bundle.json"
step "export --format xlsx and import it back (xlsxwriter and python-calamine are bundled)"
"$BIN" export --db "$WORK/demo.sqlite" --format xlsx --out "$WORK/registry.xlsx"
[ -s "$WORK/registry.xlsx" ] || fail "no workbook written"
"$BIN" import "$WORK/registry.xlsx" --db "$WORK/from-xlsx.sqlite" 2> "$WORK/import.err" || { cat "$WORK/import.err" >&2; fail "xlsx import"; }
grep -q "imported 50 patients" "$WORK/import.err" || fail "xlsx import: $(cat "$WORK/import.err")"

gui() {  # gui <stderr file> <args>: run the GUI offscreen; it must exit 0 without a traceback
    err=$1; shift
    start=$(date +%s.%N)
    "$BIN" gui "$@" 2> "$err" || { cat "$err" >&2; fail "ventrack gui $*"; }
    ! grep -q -E "Traceback|Fatal|Segmentation" "$err" || { cat "$err" >&2; fail "errors from ventrack gui $*"; }
    shown=$(sed -n 's/^ventrack: window shown at //p' "$err")
    splash=$(sed -n 's/^ventrack: splash shown at //p' "$err")
    [ -n "$shown" ] && [ -n "$splash" ] || { cat "$err" >&2; fail "the GUI never reported its windows"; }
    echo "   cold start: first window (splash) $(python3 -c "print(round($splash - $start, 2))") s," \
        "main window $(python3 -c "print(round($shown - $start, 2))") s (target < 3 s)"
}
step "GUI offscreen on a new default registry, quits cleanly"
gui "$WORK/gui.err" --quit-after 1500
step "GUI offscreen on the 50-patient registry"
gui "$WORK/gui2.err" --db "$WORK/demo.sqlite" --quit-after 500

REGISTRY="$XDG_DATA_HOME/VenTrack/registry.sqlite"
LOG="$XDG_STATE_HOME/VenTrack/log/ventrack.log"
step "registry and rotating log in the platformdirs folders"
[ -f "$REGISTRY" ] || fail "default registry not created at $REGISTRY"
grep -q "window shown" "$LOG" || fail "no 'window shown' line in $LOG"
echo "   $REGISTRY, $LOG ($(wc -l < "$LOG") lines)"

step "GUI on 5,000 patients: the evaluation is shared with a helper process (the bundled fork server)"
"$BIN" demo --db "$WORK/large.sqlite" --patients 5000 --seed 4 > /dev/null
gui "$WORK/gui3.err" --db "$WORK/large.sqlite" --quit-after 6000
! grep -E "evaluation helpers (unavailable|lost)|helper failed" "$LOG" || fail "the evaluation helpers failed"
grep -q "evaluated 5000 patients as of" "$LOG" || fail "no registry-wide evaluation of the 5,000 patients logged"
if [ "$(nproc)" -gt 1 ]; then
    helped=$(sed -n 's/.* \([0-9]*\) of 5000 patients were evaluated by the helpers/\1/p' "$LOG" | tail -n 1)
    [ "${helped:-0}" -gt 0 ] || fail "no patient was evaluated by a helper process"
    echo "   $helped of 5000 patients evaluated by the helper process(es): $(grep -o 'evaluated 5000 .*' "$LOG")"
else
    echo "   (one core: no helper process is started)"
fi
sleep 1
! pgrep -f "from multiprocessing" > /dev/null || fail "helper processes outlived the app: $(pgrep -af 'from multiprocessing')"

if [ "$INSTALLED" = system ]; then
    step "apt-get remove keeps the user's registry and log"
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq ventrack >/dev/null
    [ ! -e /usr/bin/ventrack ] && [ ! -e /opt/ventrack ] || fail "/usr/bin/ventrack or /opt/ventrack left after remove"
    [ -f "$REGISTRY" ] && [ -f "$LOG" ] || fail "registry or log removed with the package"
fi
echo "package smoke test passed ($INSTALLED install of $DEB)"
