#!/bin/sh
# Smoke test of the packaged app: install the .deb (on the machine with apt-get when root, else unpacked into
# a scratch root), then drive the installed binary: --version, demo, eligibility --json, FHIR export, the GUI
# offscreen; finally remove the package and check the user's registry is still there. Any failure exits 1.
set -eu
cd "$(dirname "$0")/../.."
DEB=$(ls -t dist/ventrack_*_amd64.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || { echo "no dist/ventrack_*.deb: run 'make package' first" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install ./$DEB"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$DEB" >/dev/null
    BIN=/usr/bin/ventrack
    INSTALLED=system
else
    echo "== unpacking $DEB into a scratch root (not root: dependencies are not installed)"
    dpkg-deb -x "$DEB" "$WORK/root"
    BIN="$WORK/root/opt/ventrack/ventrack"
    INSTALLED=scratch
fi

step() { echo "== $*"; }
step "ventrack --version"
"$BIN" --version | grep -q "^ventrack "
step "demo registry of 50 patients"
"$BIN" demo --db "$WORK/demo.sqlite" --patients 50 --seed 3
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
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); assert b['resourceType']=='Bundle' and b['entry']" "$WORK/bundle.json"
step "GUI starts offscreen on the default registry and quits cleanly"
start=$(date +%s.%N)
"$BIN" gui --quit-after 1500 2> "$WORK/gui.err" || { cat "$WORK/gui.err" >&2; exit 1; }
shown=$(sed -n 's/^ventrack: window shown at //p' "$WORK/gui.err")
splash=$(sed -n 's/^ventrack: splash shown at //p' "$WORK/gui.err")
[ -n "$shown" ] || { echo "the GUI never reported its main window" >&2; cat "$WORK/gui.err" >&2; exit 1; }
echo "   cold start: splash $(python3 -c "print(round($splash - $start, 2))") s, main window $(python3 -c "print(round($shown - $start, 2))") s (target < 3 s)"
step "GUI cold start on the 50-patient registry"
start=$(date +%s.%N)
"$BIN" gui --db "$WORK/demo.sqlite" --quit-after 200 2> "$WORK/gui2.err" || { cat "$WORK/gui2.err" >&2; exit 1; }
shown=$(sed -n 's/^ventrack: window shown at //p' "$WORK/gui2.err")
echo "   cold start to the main window: $(python3 -c "print(round($shown - $start, 2))") s (target < 3 s)"
REGISTRY="$XDG_DATA_HOME/VenTrack/registry.sqlite"
[ -f "$REGISTRY" ] || { echo "default registry not created at $REGISTRY" >&2; exit 1; }

if [ "$INSTALLED" = system ]; then
    step "apt-get remove keeps the user's registry"
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq ventrack >/dev/null
    [ ! -e /usr/bin/ventrack ] || { echo "/usr/bin/ventrack still present after remove" >&2; exit 1; }
    [ -f "$REGISTRY" ] || { echo "registry removed with the package" >&2; exit 1; }
fi
echo "package smoke test passed ($INSTALLED install of $DEB)"
