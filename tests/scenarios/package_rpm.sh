#!/bin/sh
# The RPM spec (generated from packaging/rpm/capgate.spec.in with the project version) is accepted by
# rpmbuild: `rpmbuild -bs` builds a source RPM from a tarball of the tree, and the SRPM carries the
# project's version.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
command -v rpmbuild >/dev/null || { echo "rpmbuild is missing (apt-get install rpm)"; exit 77; }
spec="$(dirname "$CAPGATE_BIN")/packaging/capgate.spec"
[ -s "$spec" ] || { echo "'$spec' was not generated"; exit 1; }
version=$(sed -n 's/^Version: *//p' "$spec")
[ "$version" = "$(sed -n 's/^project(capgate VERSION \([0-9.]*\).*/\1/p' "$CAPGATE_SRC/CMakeLists.txt")" ] \
	|| { echo "spec version '$version' is not the project's"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SOURCES"
tar -C "$(dirname "$CAPGATE_SRC")" --exclude='build*' --exclude=.git \
	--transform "s|^$(basename "$CAPGATE_SRC")|capgate-$version|" \
	-czf "$work/SOURCES/capgate-$version.tar.gz" "$(basename "$CAPGATE_SRC")"
rpmbuild -bs --define "_topdir $work" "$spec" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
srpm=$(ls "$work"/SRPMS/capgate-"$version"-1*.src.rpm)
rpm -qp --qf '%{NAME} %{VERSION}\n' "$srpm" 2>/dev/null | grep -qx "capgate $version"
rpm -qpl "$srpm" 2>/dev/null | grep -qx capgate.spec
echo "rpm: ok ($(basename "$srpm"))"
