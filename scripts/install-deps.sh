#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Foresight from Debian 12 packages.
# Idempotent: apt-get skips what is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
    # toolchain
    cmake g++ pkg-config make clang-format
    # Qt 6.4 (HttpServer's CMake package needs qt6-websockets-dev too)
    qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-svg-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6sql6-sqlite
    # find_package(Qt6 COMPONENTS Charts) needs Qt6OpenGL, which qt6-charts-dev does not pull in
    libqt6opengl6-dev
    # messaging, models, storage (find_package(xgboost) needs the xgboost package as well)
    libzmq3-dev cppzmq-dev libxgboost-dev xgboost libsqlite3-dev libeigen3-dev
    # benchmark baselines and headless display for GUI checks
    redis-server redis-sentinel libhiredis-dev xvfb
    # test tools: pdfinfo and pdftotext read back the incident reports' PDFs (tests/report)
    poppler-utils
)

if [[ $(id -u) -ne 0 ]]; then
    sudo=sudo
else
    sudo=
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
