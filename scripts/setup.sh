#!/bin/sh
# Installs the Debian packages marketsim needs to build, test and benchmark. Idempotent: does
# nothing (and prints nothing) when every package is already installed. Run as root, or as a user
# with sudo. Targets Debian 12 (bookworm).
set -eu

# zlib1g-dev: libxlsxwriter's pkg-config file links -lz, and libxlsxwriter-dev does not pull it in.
# libopenmpi-dev, openmpi-bin: runs split over processes with mpirun (and the tests of that).
# clang, libclang-rt-14-dev: the fuzz targets (libFuzzer with the address and undefined sanitizers).
# chromium: the tests render report.html headless and check the screenshot and console; marketsim
# itself never needs it.
# libcpp-httplib-dev: the HTTP server of `marketsim serve`.

PACKAGES="g++ cmake ninja-build pkg-config libeigen3-dev libtbb-dev libcli11-dev catch2
libtomlplusplus-dev libhwy-dev libxlsxwriter-dev zlib1g-dev nlohmann-json3-dev librandom123-dev libboost-math-dev libbenchmark-dev python3-numpy
libcpp-httplib-dev
libopenmpi-dev openmpi-bin clang libclang-rt-14-dev chromium"

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $pkg"
    fi
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "setup.sh: need root or sudo to install:$missing" >&2
    exit 1
fi

echo "setup.sh: installing:$missing"
$as_root apt-get update
# shellcheck disable=SC2086  # word splitting of the package list is intended
$as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends $missing
