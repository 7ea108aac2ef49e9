#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the packages from a release build: build/packages/capgate_VERSION_ARCH.deb (CPack) and, when
# rpmbuild is there, build/packages/capgate-VERSION-1.ARCH.rpm (rpmbuild -bb of the same files,
# packaging/rpm/capgate-bin.spec.in; Requires by soname). rpmbuild runs with a HOME of its own
# (.rpmmacros: topdir and database in the build folder), so this host's rpm database is not used.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build}
# Debian's own build flags (hardening=+all), as a distribution build would use them
(eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
	"$src/scripts/build.sh" "$dir" -DCMAKE_BUILD_TYPE=Release)
cpack -G DEB --config "$dir/CPackConfig.cmake" -B "$dir/packages" >/dev/null
ls "$dir"/packages/*.deb
if command -v rpmbuild >/dev/null; then
	top="$dir/rpmbuild"
	rm -rf "$top"
	mkdir -p "$top/home" "$top/db"
	printf '%%_topdir %s\n%%_dbpath %s\n' "$top" "$top/db" >"$top/home/.rpmmacros"
	HOME="$top/home" rpmbuild -bb "$dir/packaging/capgate-bin.spec" >"$top/rpmbuild.log" 2>&1 ||
		{ tail -20 "$top/rpmbuild.log" >&2; exit 1; }
	cp "$top"/RPMS/*/capgate-*.rpm "$dir/packages/"
	ls "$dir"/packages/*.rpm
fi
echo "$dir/packaging/capgate.spec"
