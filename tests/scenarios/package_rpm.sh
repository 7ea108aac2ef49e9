#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The RPM spec (generated from packaging/rpm/capgate.spec.in with the project version) is accepted by
# rpmbuild: `rpmbuild -bs` builds a source RPM from a tarball of the tree, and the SRPM carries the
# project's version. Then the binary RPM of this build (`rpmbuild -bb`, packaging/rpm/capgate-bin.spec.in)
# with a HOME of its own (its .rpmmacros keeps topdir and database here, never this host's): Requires
# by soname (libhs.so.5, not a Vectorscan package name), none that Fedora/RHEL cannot meet, units in
# /usr/lib/systemd/system; unpacked into a scratch root (rpm --root), its capgate runs.
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

build=$(dirname "$CAPGATE_BIN")
if grep -q '^CAPGATE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "the binary RPM is built from the release build, not the sanitizer one"; exit 0
fi
top="$work/bin"
mkdir -p "$top/home" "$top/db"
printf '%%_topdir %s\n%%_dbpath %s\n' "$top" "$top/db" >"$top/home/.rpmmacros"
HOME="$top/home" rpmbuild -bb "$(dirname "$spec")/capgate-bin.spec" >"$work/binlog" 2>&1 || { tail -20 "$work/binlog"; exit 1; }
rpm=$(ls "$top"/RPMS/*/capgate-"$version"-1.*.rpm)
rpm -qp --requires "$rpm" 2>/dev/null | sort -u >"$work/requires"
for want in 'libhs.so.5()(64bit)' 'libcrypto.so.3(OPENSSL_3.0.0)(64bit)' 'libmicrohttpd.so.12()(64bit)' \
	'libjansson.so.4()(64bit)' 'libsystemd.so.0()(64bit)' 'libcurl.so.4()(64bit)' 'libsolv.so.1()(64bit)' \
	'libsolvext.so.1()(64bit)' 'libexpat.so.1()(64bit)'; do
	grep -qxF "$want" "$work/requires" || { echo "the binary RPM does not require '$want':"; cat "$work/requires"; exit 1; }
done
glibc=$(grep -o 'GLIBC_[0-9.]*' "$work/requires" | sort -V | tail -n1)
# a soname, a symbol version, /bin/sh for the scriptlets or rpmlib: never a package name
if grep -vE '^(/bin/sh|rpmlib\(|rtld\(|config\(capgate\)|lib[^ ]+\.so\.[0-9]+)' "$work/requires" | grep -q .; then
	echo "the binary RPM requires by name:"; grep -vE '^(/bin/sh|rpmlib\(|rtld\(|config\(|lib)' "$work/requires"; exit 1
fi
! grep -q 'CURL_OPENSSL_4' "$work/requires" || { echo "the RPM requires Debian's libcurl symbol version"; exit 1; }
rpm -qpl "$rpm" 2>/dev/null >"$work/files"
for f in /usr/sbin/capgate /usr/libexec/capgate/capgate-daemon /etc/capgate/capgate.json \
	/usr/lib/systemd/system/capgate.service /usr/share/man/man8/capgate.8.gz; do
	grep -qxF "$f" "$work/files" || { echo "the binary RPM lacks $f"; exit 1; }
done
! grep -q '^/lib/\|lintian' "$work/files" || { echo "Debian paths in the RPM"; exit 1; }
mkdir -p "$work/root"
rpm --root "$work/root" --nodeps --noscripts -i "$rpm" >/dev/null 2>&1 || { echo "rpm -i --root failed"; exit 1; }
"$work/root/usr/sbin/capgate" version | grep -qx "capgate $version"
echo "binary rpm: ok ($(basename "$rpm"), $(wc -l <"$work/requires") requires, newest $glibc)"
