#!/bin/sh
# Install the one-folder bundle with its desktop entry and icons (Linux).
#
#   packaging/linux/install.sh [PREFIX]
#
# PREFIX defaults to /usr/local for root and ~/.local otherwise. Run from the project
# root after `make package` (or set BUNDLE to the bundle folder). Installs
#   PREFIX/lib/videoberatung-advisor/          the bundle
#   PREFIX/bin/videoberatung-advisor           a link to its executable
#   PREFIX/share/applications/videoberatung-advisor.desktop
#   PREFIX/share/icons/hicolor/<size>/apps/videoberatung.{png,svg}
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=${BUNDLE:-$root/dist/videoberatung-advisor}
if [ "$(id -u)" -eq 0 ]; then default_prefix=/usr/local; else default_prefix=$HOME/.local; fi
prefix=${1:-$default_prefix}

if [ ! -x "$bundle/videoberatung-advisor" ]; then
  echo "install.sh: no bundle at $bundle; build it first with 'make package'" >&2
  exit 1
fi

rm -rf "$prefix/lib/videoberatung-advisor"
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications"
cp -a "$bundle" "$prefix/lib/videoberatung-advisor"
ln -sf "$prefix/lib/videoberatung-advisor/videoberatung-advisor" "$prefix/bin/videoberatung-advisor"
install -m 644 "$here/videoberatung-advisor.desktop" "$prefix/share/applications/"

icons=$root/resources/icons
for png in "$icons"/videoberatung-*.png; do
  size=${png##*-}
  size=${size%.png}
  install -D -m 644 "$png" "$prefix/share/icons/hicolor/${size}x${size}/apps/videoberatung.png"
done
install -D -m 644 "$icons/videoberatung.svg" "$prefix/share/icons/hicolor/scalable/apps/videoberatung.svg"

# Menus pick the entry up sooner where the tool exists. An icon cache is refreshed only
# where a theme index says one belongs (/usr/share); a cache made elsewhere would go
# stale and hide icons that other programs install later.
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$prefix/share/applications" || true
fi
if [ -f "$prefix/share/icons/hicolor/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q "$prefix/share/icons/hicolor" || true
fi
echo "installed videoberatung-advisor into $prefix"
