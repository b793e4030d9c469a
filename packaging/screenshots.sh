#!/usr/bin/env bash
# The README's pictures (`make screenshots`): Today, Labs and Charts of the demo journal in a
# real X window on a virtual screen, and the first pages of its clinician report.
#   screenshots.sh FERTILITYTRACKER OUT_DIR
# Needs the screenshot tool beside the repository (SCREENSHOT overrides its path), ImageMagick
# and pdftoppm (poppler-utils). Each PNG is reduced to 256 colours to stay small.
set -euo pipefail
app=$(realpath "${1:?usage: screenshots.sh FERTILITYTRACKER OUT_DIR}")
out=$(realpath "${2:?usage: screenshots.sh FERTILITYTRACKER OUT_DIR}")
screenshot=${SCREENSHOT:-$(dirname "$0")/../../shared/tools/screenshot}
[ -x "$screenshot" ] || { echo "screenshots: no screenshot tool at $screenshot" >&2; exit 1; }
if ! command -v pdftoppm >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
"$app" --db "$work/demo.sqlite3" demo >/dev/null

small() { convert "$1" -strip -resize "${3:-1100}x>" -colors 256 "PNG8:$2"; }

# The window opens on the page it showed last (QSettings), kept here in a private config.
for page in today labs charts; do
  mkdir -p "$work/config-$page/fertilitytracker"
  printf '[window]\nlast_page=%s\n' "$page" > "$work/config-$page/fertilitytracker/fertilitytracker.conf"
  XDG_CONFIG_HOME="$work/config-$page" XDG_DATA_HOME="$work/data" \
    "$screenshot" "$work/$page.png" --wait 6 --size 1280x800 -- "$app" --db "$work/demo.sqlite3"
  small "$work/$page.png" "$out/screenshot-$page.png"
done

"$app" --db "$work/demo.sqlite3" report "$work/report.pdf" >/dev/null
pdftoppm -png -r 70 -f 1 -l 1 "$work/report.pdf" "$work/report"
small "$work"/report-*1.png "$out/screenshot-report.png" 700
ls -la "$out"/screenshot-*.png
