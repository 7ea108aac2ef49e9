#!/bin/sh
# Build the Debian package (and the RPM spec) from a release build: build/packages/capgate_VERSION_ARCH.deb.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build}
# Debian's own build flags (hardening=+all), as a distribution build would use them
(eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
	"$src/scripts/build.sh" "$dir" -DCMAKE_BUILD_TYPE=Release)
cpack -G DEB --config "$dir/CPackConfig.cmake" -B "$dir/packages" >/dev/null
ls "$dir"/packages/*.deb
echo "$dir/packaging/capgate.spec"
