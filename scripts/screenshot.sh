#!/usr/bin/env bash
# Renders the console's window on the demo cluster to docs/screenshots/console.png (the picture
# the README shows): build/bin/foresight --demo --screenshot FILE. Without a display the window
# renders offscreen. Needs a build with the window (scripts/demo.sh makes one).
#   scripts/screenshot.sh [FILE]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/docs/screenshots/console.png}
binary=$root/build/bin/foresight
if [[ ! -x $binary ]]; then
    echo "screenshot: $binary not found: build first (scripts/demo.sh, or cmake --build build)" >&2
    exit 1
fi
mkdir -p "$(dirname "$out")"
exec "$binary" --demo --screenshot "$out"
