#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Debian package: built by CPack from this build, lintian reports no errors, and `dpkg -i` into a
# clean Debian 12 root (a copy of the cached rootfs, via chroot) gives a working capgate, its man
# pages, completion and conffile, and units that `systemctl --root` enables; purge removes it all.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
build=$(dirname "$CAPGATE_BIN")
if grep -q '^CAPGATE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "the package is built from the release build, not the sanitizer one"; exit 77
fi
for t in cpack lintian chroot systemctl apt-get; do
	command -v "$t" >/dev/null || { echo "'$t' is missing"; exit 77; }
done
work=$(mktemp -d /var/tmp/capgate-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/capgate_*.deb)
version=$(sed -n 's/^project(capgate VERSION \([0-9.]*\).*/\1/p' "$CAPGATE_SRC/CMakeLists.txt")
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || { echo "package version is not the project's $version"; exit 1; }
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || { cat "$work/lintian.log"; echo "lintian reports errors"; exit 1; }

root="$work/root"
cp -a "$("$CAPGATE_SRC/tests/fixtures/rootfs.sh")" "$root"
deps=$("$CAPGATE_SRC/tests/fixtures/deb-deps.sh" "$root" "$deb")
mkdir -p "$root/tmp/debs"
if [ -n "$deps" ]; then
	# the libraries first; a Pre-Depends (isa-support before sse4.2-support) needs a second pass
	cp $deps "$root/tmp/debs/"
	chroot "$root" sh -c 'dpkg -i /tmp/debs/*.deb' >"$work/deps.log" 2>&1 ||
		chroot "$root" sh -c 'dpkg -i /tmp/debs/*.deb' >"$work/deps.log" 2>&1 || { cat "$work/deps.log"; exit 1; }
	rm -f "$root"/tmp/debs/*.deb
fi
cp "$deb" "$root/tmp/debs/"
chroot "$root" dpkg -i "/tmp/debs/$(basename "$deb")" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
rm -rf "$root/tmp/debs"

out=$(chroot "$root" capgate version)
echo "$out" | grep -q "$version" || { echo "capgate version in the root said '$out'"; exit 1; }
chroot "$root" capgate checks >/dev/null
chroot "$root" capgate scan --only gen.tmp-files --format json >"$work/scan.json" || [ $? -eq 1 ]
grep -q '"schema": "capgate.report/v1"' "$work/scan.json"
for f in /usr/share/man/man8/capgate.8.gz /usr/share/man/man5/capgate.json.5.gz \
	/usr/share/bash-completion/completions/capgate /usr/share/doc/capgate/copyright; do
	[ -s "$root$f" ] || { echo "'$f' is not installed"; exit 1; }
done
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}\n' capgate | grep -q '/etc/capgate/capgate.json' \
	|| { echo "/etc/capgate/capgate.json is not a conffile"; exit 1; }
# the shipped default configuration is valid for the shipped binary
chroot "$root" capgate scan --only gen.machine-id --config /etc/capgate/capgate.json >/dev/null || [ $? -eq 1 ]

# every unit in the package: systemd-analyze accepts it in the root, and one with [Install] can be enabled
units=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -E '/systemd/system/[^/]+\.(service|socket|timer|path)$' | xargs -rn1 basename)
# exactly the units of packaging/systemd/ (templates *.in included)
want=$(ls "$CAPGATE_SRC"/packaging/systemd/ 2>/dev/null | grep -E '\.(service|socket|timer|path)(\.in)?$' | sed 's/\.in$//' | sort | xargs)
[ "$(echo $units | xargs -n1 | sort | xargs)" = "$want" ] || { echo "package units '$units', packaging/systemd/ has '$want'"; exit 1; }
[ -n "$want" ] || echo "packaging/systemd/ has no units yet"
for u in $units; do
	unitfile=$(ls "$root"/lib/systemd/system/"$u" "$root"/usr/lib/systemd/system/"$u" 2>/dev/null | head -n1)
	systemd-analyze verify --man=no --root="$root" "$unitfile" >"$work/verify.log" 2>&1 || true
	if grep -v -e 'Failed to prepare filename' -e '^$' "$work/verify.log" | grep -q .; then
		cat "$work/verify.log"; echo "systemd-analyze verify complains about '$u'"; exit 1
	fi
	grep -q '^\[Install\]' "$unitfile" || continue
	systemctl --root="$root" enable "$u"
	[ "$(systemctl --root="$root" is-enabled "$u")" = enabled ] || { echo "'$u' is not enabled"; exit 1; }
	systemctl --root="$root" disable "$u"
	echo "unit $u: enabled and disabled in the root"
done

chroot "$root" dpkg --purge capgate >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
[ ! -e "$root/usr/sbin/capgate" ] && [ ! -e "$root/etc/capgate/capgate.json" ] || { echo "purge left files"; exit 1; }
echo "package: ok ($(basename "$deb"), $(echo $deps | wc -w) dependency packages added to the root)"
