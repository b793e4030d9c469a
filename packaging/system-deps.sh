#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt needs: "offscreen" for the tests, "x11" for a real window (and
# for `make dist`, which collects them into the bundle), "bench" for a real window on a virtual
# screen (Xvfb) that xdotool watches; "validators" for the tests that check the menu entry and
# the AppStream metainfo (desktop-file-validate, appstreamcli).
# As root it installs what is missing with apt-get; otherwise it prints the one line to run.
set -euo pipefail
kind=${1:-x11}
packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
if [ "$kind" = validators ]; then
  packages=(desktop-file-utils appstream)
fi
if [ "$kind" = x11 ] || [ "$kind" = bench ]; then
  packages+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
             libxkbcommon-x11-0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1
             libxcb-xfixes0 libx11-xcb1)
fi
if [ "$kind" = bench ]; then
  packages+=(xvfb xdotool)
fi
command -v dpkg-query >/dev/null || exit 0   # not Debian: nothing to check
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing Qt's system libraries: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Qt needs these system libraries. Install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
