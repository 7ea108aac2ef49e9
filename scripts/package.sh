#!/bin/sh
# Build the Debian package (and the RPM spec) from a release build: build/packages/capgate_VERSION_ARCH.deb.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build}
"$src/scripts/build.sh" "$dir"
cpack -G DEB --config "$dir/CPackConfig.cmake" -B "$dir/packages" >/dev/null
ls "$dir"/packages/*.deb
echo "$dir/packaging/capgate.spec"
