#!/usr/bin/env bash
# Installs the dependencies, builds Foresight in build/ and starts the demo:
#   build/bin/foresight --demo [ARGS...]
# Extra arguments are passed to foresight unchanged. Stop the demo with Ctrl-C.
# Environment: JOBS (default 2), FORESIGHT_GUI=ON|OFF (default: ON when Qt6 Widgets is found),
#              SKIP_DEPS=1 to skip scripts/install-deps.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=${JOBS:-2}

step() { printf '\n== %s\n' "$*"; }

if [[ ${SKIP_DEPS:-0} != 1 ]]; then
    step "Installing dependencies (scripts/install-deps.sh)"
    "$root/scripts/install-deps.sh"
fi

gui=${FORESIGHT_GUI:-}
if [[ -z $gui ]]; then
    gui=OFF
    for config in /usr/lib/*/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake \
        /usr/lib/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake \
        /usr/local/lib/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake; do
        if [[ -f $config ]]; then
            gui=ON
            break
        fi
    done
fi

step "Configuring build/ (RelWithDebInfo, GUI $gui)"
gen_args=(-G "Unix Makefiles")
if [[ -f build/CMakeCache.txt ]]; then
    gen_args=() # keep whatever generator the tree was made with
fi
cmake -S "$root" -B build "${gen_args[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFORESIGHT_GUI="$gui"

step "Building (-j$jobs)"
cmake --build build -j"$jobs"

binary=build/bin/foresight
if [[ ! -x $binary ]]; then
    echo "demo: $binary was not built; the console (app/console) does not produce it yet." >&2
    exit 1
fi

step "Starting $binary --demo $* (Ctrl-C stops it)"
exec "$binary" --demo "$@"
