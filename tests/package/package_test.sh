#!/bin/sh
# The Debian package in a fresh Debian root: `cpack -G DEB` in the build folder, debootstrap a
# minimal bookworm, `apt-get install` the .deb there (its declared dependencies come from the
# mirror), then run the installed `marketsim run` on the shipped baseline (bands.csv must be the
# build tree's bytes) and `python3 -c "import marketsim"`.
#
# package_test.sh BUILD_DIR WORK_DIR [MIRROR]
# Needs root and debootstrap; prints "SKIPPED: <why>" without them. The downloaded base packages
# are kept in WORK_DIR/cache (a tarball debootstrap unpacks) so that later runs do not fetch them
# again; every run still builds its root afresh.
set -eu
build=$1
work=$2
mirror=${3:-http://deb.debian.org/debian}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: the package test needs root (debootstrap and chroot)"
    exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    echo "SKIPPED: debootstrap is not installed (scripts/setup.sh installs it)"
    exit 0
fi

root=$work/root
mounted=""
cleanup() {
    if [ -n "$mounted" ]; then umount "$root/proc" 2>/dev/null || true; fi
    rm -rf "$root"
}
trap cleanup EXIT
rm -rf "$root" "$work/deb"
mkdir -p "$work/cache" "$work/deb"

# the package
(cd "$build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/deb/marketsim_*.deb)
echo "package: $deb ($(stat -c %s "$deb") bytes)"
dpkg-deb --field "$deb" Package Version Depends Recommends

# a fresh bookworm root
tarball=$work/cache/bookworm-minbase.tgz
if [ ! -s "$tarball" ]; then
    debootstrap --variant=minbase --make-tarball="$tarball.part" bookworm "$work/cache/tmp" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
    mv "$tarball.part" "$tarball"
    rm -rf "$work/cache/tmp"
fi
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
mount -t proc proc "$root/proc"
mounted=yes
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"

# the install: apt-get resolves the declared dependencies from the mirror
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update >"$work/apt.log" 2>&1 ||
    { tail -20 "$work/apt.log"; exit 1; }
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "/tmp/$(basename "$deb")" >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; exit 1; }
echo "installed with $(grep -c '^Setting up' "$work/apt.log") packages"

# the command on the shipped baseline: the same bytes as the build tree's
chroot "$root" marketsim run /usr/share/marketsim/scenarios/baseline.toml --paths 20000 --out /tmp/out --quiet
"$build/marketsim" run "$root/usr/share/marketsim/scenarios/baseline.toml" --paths 20000 --out "$work/expected" --quiet
cmp "$root/tmp/out/bands.csv" "$work/expected/bands.csv"
echo "marketsim run: bands.csv as the build tree's"

# the Python module, with Debian's python3 and no PYTHONPATH
chroot "$root" env -u PYTHONPATH python3 -c "
import marketsim
r = marketsim.load('/usr/share/marketsim/scenarios/baseline.toml').run(paths=20000)
print('import marketsim:', marketsim.__file__, len(r.bands), 'rows')
"
test -f "$root/usr/share/doc/marketsim/python.md"
test -f "$root/usr/include/marketsim/run.hpp"
test -f "$root/usr/lib/x86_64-linux-gnu/cmake/marketsim/marketsimConfig.cmake" ||
    test -n "$(find "$root/usr/lib" -name marketsimConfig.cmake)"
echo "PASSED"
