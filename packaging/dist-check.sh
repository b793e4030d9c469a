#!/usr/bin/env bash
# Check the built tarball the way a user meets it (`make dist-check`, after `make dist`):
#   dist-check.sh TARBALL VERSION
# 1. unpacked in an empty folder, it holds no QML, Quick or WebEngine, and its binary runs with an empty environment (no virtualenv, no
#    Python packages of the system): --version, demo, report, export, import, reminders --ics;
# 2. when Xvfb and xdotool are present, the desktop app opens a real window on a virtual screen;
# 3. install.sh then --uninstall in a temporary home: the menu entry and metainfo pass their
#    validators (when installed), the launcher runs, and afterwards the home folder is as it
#    was apart from the journal the launcher made.
set -euo pipefail
tarball=$(realpath "${1:?usage: dist-check.sh TARBALL VERSION}")
version=${2:?usage: dist-check.sh TARBALL VERSION}
app_id=org.fertilitytracker.FertilityTracker
work=$(mktemp -d)
xvfb=""
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '== %s\n' "$*"; }
fail() { printf 'dist-check: FAILED: %s\n' "$*" >&2; exit 1; }

mkdir "$work/unpacked" "$work/run" "$work/home"
tar -C "$work/unpacked" -xzf "$tarball"
bundle=$(find "$work/unpacked" -mindepth 1 -maxdepth 1 -type d)
binary="$bundle/fertilitytracker"
[ -x "$binary" ] || fail "no fertilitytracker binary at the top of the bundle"
[ -x "$bundle/install.sh" ] || fail "no install.sh in the bundle"
unwanted=$(find "$bundle" \( -iname '*Qt6Qml*' -o -iname '*Qt6Quick*' -o -iname '*WebEngine*' \
  -o -iname 'QtQml*' -o -iname 'QtQuick*' \) -print)
[ -z "$unwanted" ] || fail "the bundle holds Qt modules the app does not use: $unwanted"
cd "$work/run"
run() { env -i HOME="$work/run" "$binary" "$@"; }

step "--version"
[ "$(run --version)" = "fertilitytracker $version" ] || fail "--version does not say $version"
step "demo"
run --db demo.sqlite3 demo
step "report"
run --db demo.sqlite3 report report.pdf
head -c 5 report.pdf | grep -q '%PDF-' || fail "report.pdf is not a PDF"
step "export and import"
run --db demo.sqlite3 export backup.json
run --db imported.sqlite3 import backup.json
[ "$(run --db imported.sqlite3 labs --json)" = "$(run --db demo.sqlite3 labs --json)" ] \
  || fail "the imported journal's labs differ from the exported one's"
step "reminders --ics"
run --db demo.sqlite3 reminders --ics reminders.ics
grep -q BEGIN:VCALENDAR reminders.ics || fail "reminders.ics is not a calendar"

if command -v Xvfb >/dev/null && command -v xdotool >/dev/null; then
  step "desktop app in a real X window"
  display=:$((200 + RANDOM % 100))
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  env -i DISPLAY="$display" HOME="$work/run" "$binary" --db demo.sqlite3 >"$work/app.log" 2>&1 &
  app=$!
  window=""
  for _ in $(seq 60); do
    kill -0 "$app" 2>/dev/null || { cat "$work/app.log" >&2; fail "the app exited"; }
    window=$(DISPLAY=$display xdotool search --onlyvisible --name "Fertility Tracker" 2>/dev/null \
      | head -n 1 || true)
    [ -n "$window" ] && break
    sleep 0.5
  done
  [ -n "$window" ] || fail "no window appeared within 30 s"
  echo "window: $(DISPLAY=$display xdotool getwindowname "$window")"
  kill "$app"; wait "$app" 2>/dev/null || true; app=""
  kill "$xvfb"; wait "$xvfb" 2>/dev/null || true; xvfb=""
else
  step "desktop app: skipped (needs Xvfb and xdotool)"
fi

step "install.sh into a temporary home"
home="$work/home"
printf 'export EDITOR=vi\n' > "$home/.profile"
snapshot() { (cd "$home" && find . -mindepth 1 -printf '%p %y %m\n' | sort); }
snapshot > "$work/before"
in_home() { env -i HOME="$home" PATH=/usr/bin:/bin "$@"; }
in_home "$bundle/install.sh"
data="$home/.local/share"
for installed in "$home/.local/bin/fertilitytracker" "$data/applications/$app_id.desktop" \
  "$data/metainfo/$app_id.metainfo.xml" "$data/icons/hicolor/scalable/apps/$app_id.svg" \
  "$data/icons/hicolor/16x16/apps/$app_id.png" "$data/icons/hicolor/512x512/apps/$app_id.png"; do
  [ -e "$installed" ] || fail "install.sh did not install $installed"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$data/applications/$app_id.desktop"
  echo "desktop-file-validate: the installed menu entry passes"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$data/metainfo/$app_id.metainfo.xml"
fi
[ "$(in_home "$home/.local/bin/fertilitytracker" --version)" = "fertilitytracker $version" ] \
  || fail "the installed launcher does not run"
in_home "$home/.local/bin/fertilitytracker" demo >/dev/null  # the journal, in its default place
[ -f "$data/fertilitytracker/journal.sqlite3" ] || fail "no journal in the default place"

step "install.sh --uninstall"
in_home "$home/.local/opt/fertilitytracker/install.sh" --uninstall
[ -f "$data/fertilitytracker/journal.sqlite3" ] || fail "--uninstall removed the journal"
# The journal's folder and the folders above it stay; everything else is as before.
snapshot | grep -v -e '^\./\.local [a-z] ' -e '^\./\.local/share [a-z] ' \
  -e '^\./\.local/share/fertilitytracker[ /]' > "$work/after"
if ! diff -u "$work/before" "$work/after"; then
  fail "the home folder differs after --uninstall (above)"
fi
echo "home folder as before, journal kept"
step "dist-check passed: $(basename "$tarball")"
