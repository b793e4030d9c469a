#!/bin/sh
# Install Fertility Tracker for this user, without root, from the unpacked bundle:
#   ./install.sh               the bundle to ~/.local/opt/fertilitytracker, the launcher
#                              ~/.local/bin/fertilitytracker, the menu entry, AppStream metainfo
#                              and icons under ~/.local/share (or $XDG_DATA_HOME)
#   ./install.sh --uninstall   removes exactly what the install put there (the list is kept in
#                              the installed folder); the journal and its backups are never touched
# Installing again over an earlier version replaces it.
set -eu

APP_ID=org.fertilitytracker.FertilityTracker
NAME=fertilitytracker
OPT_DIR="$HOME/.local/opt/$NAME"
BIN_DIR="$HOME/.local/bin"
LAUNCHER="$BIN_DIR/$NAME"
DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}"
MANIFEST="$OPT_DIR/install-manifest.txt"
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)

say() { printf '%s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  say "usage: install.sh [--uninstall]"
  say "Installs Fertility Tracker for this user (no root needed); --uninstall removes it."
  say "Your journal ($DATA_DIR/$NAME) is never removed."
}

# Removes each file listed in the manifest, then each folder the install created, when empty.
# `uninstall upgrade` keeps the start-at-login entry, which goes on pointing at the launcher.
uninstall() {
  if [ -f "$MANIFEST" ]; then
    while IFS=' ' read -r kind path; do
      [ "$kind" = file ] && rm -f -- "$path"
    done < "$MANIFEST"
    folders=$(sed -n 's/^dir //p' "$MANIFEST" | sort -r)
  else
    # An install without a manifest (interrupted): the fixed paths only.
    rm -f -- "$DATA_DIR/applications/$APP_ID.desktop" "$DATA_DIR/metainfo/$APP_ID.metainfo.xml"
    rm -f -- "$DATA_DIR"/icons/hicolor/*/apps/"$APP_ID".png
    rm -f -- "$DATA_DIR/icons/hicolor/scalable/apps/$APP_ID.svg"
    folders=""
  fi
  if [ -L "$LAUNCHER" ]; then
    case "$(readlink -- "$LAUNCHER")" in
      "$OPT_DIR"/*) rm -f -- "$LAUNCHER" ;;
    esac
  fi
  if [ "${1:-}" != upgrade ]; then
    # Start at login (written by the app) would run the removed launcher at every login.
    autostart="${XDG_CONFIG_HOME:-$HOME/.config}/autostart/$APP_ID.desktop"
    if [ -f "$autostart" ] && grep -qF -e "Exec=$LAUNCHER " -e "Exec=\"$LAUNCHER\"" "$autostart"
    then
      rm -f -- "$autostart"
    fi
  fi
  rm -rf -- "$OPT_DIR"
  printf '%s\n' "$folders" | while IFS= read -r folder; do
    [ -n "$folder" ] && { rmdir -- "$folder" 2>/dev/null || true; }
  done
}

case "${1:-}" in
  --uninstall)
    [ -e "$OPT_DIR" ] || [ -L "$LAUNCHER" ] || fail "Fertility Tracker is not installed here."
    uninstall
    say "Fertility Tracker is uninstalled. Your journal in $DATA_DIR/$NAME is still there."
    exit 0
    ;;
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

[ -x "$HERE/$NAME" ] || fail "run this script from the unpacked bundle (no $NAME binary beside it)."
[ "$HERE" != "$OPT_DIR" ] || fail "this copy is already installed; use --uninstall to remove it."
version=$("$HERE/$NAME" --version) || fail "the bundled program does not run on this system."
if [ -e "$LAUNCHER" ] || [ -L "$LAUNCHER" ]; then
  case "$(readlink -- "$LAUNCHER" 2>/dev/null || true)" in
    "$OPT_DIR"/*) ;;
    *) fail "$LAUNCHER exists and is not ours: move it away first." ;;
  esac
fi
if [ -e "$OPT_DIR" ]; then uninstall upgrade; fi  # an earlier version: replaced whole

# Each folder that does not exist yet is created and written to the manifest (removed again,
# when empty, by --uninstall); each file installed is written there too.
created=""
make_dir() {
  missing=""
  folder=$1
  while [ ! -d "$folder" ]; do
    missing="$folder
$missing"
    folder=$(dirname -- "$folder")
  done
  while IFS= read -r folder; do
    [ -n "$folder" ] || continue
    mkdir -m 755 -- "$folder"
    created="$created$folder
"
  done <<EOF
$missing
EOF
}
installed=""
put() {  # put SOURCE TARGET
  make_dir "$(dirname -- "$2")"
  cp -- "$1" "$2"
  chmod 644 -- "$2"
  installed="$installed$2
"
}

make_dir "$(dirname -- "$OPT_DIR")"
rm -rf -- "$OPT_DIR.partial"
cp -R -- "$HERE" "$OPT_DIR.partial"
mv -- "$OPT_DIR.partial" "$OPT_DIR"

make_dir "$BIN_DIR"
ln -s -- "$OPT_DIR/$NAME" "$LAUNCHER"

# The menu entry runs the launcher by its full path (~/.local/bin is often not on a desktop's
# PATH). Exec is quoted and escaped as the Desktop Entry Specification asks, so a home folder
# with a space in its name works; then, as in every string value, a backslash is written twice.
exec_value=$(printf '%s' "$LAUNCHER" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')
tryexec_value=$(printf '%s' "$LAUNCHER" | sed -e 's/\\/\\\\/g')
entry="$OPT_DIR/share/applications/$APP_ID.desktop"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s"\n' "$exec_value" ;;
    TryExec=*) printf 'TryExec=%s\n' "$tryexec_value" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$entry" > "$entry.installed"
put "$entry.installed" "$DATA_DIR/applications/$APP_ID.desktop"
rm -f -- "$entry.installed"
put "$OPT_DIR/share/metainfo/$APP_ID.metainfo.xml" "$DATA_DIR/metainfo/$APP_ID.metainfo.xml"
for icon in "$OPT_DIR"/share/icons/hicolor/*/apps/"$APP_ID".*; do
  size=$(basename -- "$(dirname -- "$(dirname -- "$icon")")")
  put "$icon" "$DATA_DIR/icons/hicolor/$size/apps/$(basename -- "$icon")"
done

{
  printf '%s' "$created" | sed -n 's/^./dir &/p'
  printf '%s' "$installed" | sed -n 's/^./file &/p'
} > "$MANIFEST"

say "Installed $version in $OPT_DIR."
say "Open it from your applications menu, or run: $LAUNCHER"
case ":$PATH:" in
  *":$BIN_DIR:"*) ;;
  *) say "($BIN_DIR is not on your PATH: add it to run fertilitytracker by name.)" ;;
esac
say "To remove it: $OPT_DIR/install.sh --uninstall"
