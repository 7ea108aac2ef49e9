#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The package on a target with Hyperscan instead of Vectorscan (Ubuntu 22.04's amd64 archive has only
# libhyperscan5): into a copy of the cached Debian 12 root (chroot; the host is not touched) go
# Debian's libhyperscan5 5.4.0 and capgate's other dependencies, never libvectorscan5; `dpkg -i`
# must accept the package (Depends: libvectorscan5 | libhyperscan5), capgate must say that it
# compiles its pattern databases (the build's were made by Vectorscan 5.4.9), find planted
# credentials in the root, and the suite's secrets scan scenario must pass with the installed binary
# running on that library.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
build=$(dirname "$CAPGATE_BIN")
if grep -q '^CAPGATE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "the package is built from the release build, not the sanitizer one"; exit 77
fi
for t in cpack chroot apt-get dpkg-deb; do
	command -v "$t" >/dev/null || { echo "'$t' is missing"; exit 77; }
done
cache=${CAPGATE_CACHE:-/var/cache/capgate-test}
work=$(mktemp -d /var/tmp/capgate-hs.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
rootfs=$("$CAPGATE_SRC/tests/fixtures/rootfs.sh" 2>"$work/rootfs.log") || {
	echo "no cached Debian 12 rootfs and none could be built"; tail -3 "$work/rootfs.log"; exit 77; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/capgate_*.deb)
dpkg-deb -f "$deb" Depends | grep -Eq 'libvectorscan5 \(>= [0-9.]+\) \| libhyperscan5' ||
	{ echo "Depends has no Hyperscan alternative: $(dpkg-deb -f "$deb" Depends)"; exit 1; }

root="$work/root"
cp -a "$rootfs" "$root"
# capgate's dependencies without Vectorscan (and its CPU-check packages), Hyperscan in its place
mkdir -p "$cache/debs"
hs=$(ls "$cache"/debs/libhyperscan5_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$hs" ]; then
	(cd "$cache/debs" && apt-get download -q libhyperscan5 >&2) || { echo "libhyperscan5 cannot be fetched"; exit 77; }
	hs=$(ls "$cache"/debs/libhyperscan5_*.deb | head -n1)
fi
deps=$("$CAPGATE_SRC/tests/fixtures/deb-deps.sh" "$root" "$deb" | grep -Ev '/(libvectorscan5|sse4\.2-support|isa-support)_' || true)
# libhyperscan5's own: debconf is in the root; libstdc++6 and libgcc-s1 come with the closure above
mkdir -p "$root/tmp/debs"
# shellcheck disable=SC2086
cp $deps "$hs" "$root/tmp/debs/"
chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/debs/*.deb' >"$work/deps.log" 2>&1 || { tail -20 "$work/deps.log"; exit 1; }
rm -f "$root"/tmp/debs/*.deb
cp "$deb" "$root/tmp/debs/"
chroot "$root" dpkg -i "/tmp/debs/$(basename "$deb")" >"$work/dpkg.log" 2>&1 || { echo "dpkg -i refused the package with Hyperscan:"; cat "$work/dpkg.log"; exit 1; }
rm -rf "$root/tmp/debs"
st() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' "$1" 2>/dev/null || true; }
[ "$(st libhyperscan5)" = "install ok installed" ] && [ "$(st libvectorscan5)" != "install ok installed" ] ||
	{ echo "libhyperscan5: '$(st libhyperscan5)', libvectorscan5: '$(st libvectorscan5)'"; exit 1; }
echo "ok - the package installs with libhyperscan5 $(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' libhyperscan5) and no Vectorscan"

# in the root: planted credentials are found, and capgate says the databases were compiled
mkdir -p "$root/root/.aws" "$root/home/builder"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$root/root/.aws/credentials"
printf 'export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n' >"$root/home/builder/.profile"
set +e
chroot "$root" capgate scan --only 'secrets.*' --format json >"$work/scan.json" 2>"$work/scan.err"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "capgate scan in the Hyperscan root: exit $rc"; cat "$work/scan.err"; exit 1; }
grep -q 'compiling them at start' "$work/scan.err" && grep -q 'libhs 5\.4\.0' "$work/scan.err" ||
	{ echo "capgate did not say that it compiles the databases for Hyperscan 5.4.0:"; cat "$work/scan.err"; exit 1; }
python3 - "$work/scan.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
found = {(c["id"], f["path"]) for c in d["checks"] for f in c["findings"]}
for want in [("secrets.cloud-credentials", "/root/.aws/credentials"), ("secrets.tokens", "/home/builder/.profile")]:
    assert want in found, (want, sorted(found))
assert d["verdict"] == "blocked", d["verdict"]
PY
echo "ok - in the root, capgate compiles its databases for Hyperscan and finds the planted credentials"

# the suite's secrets scan scenario, with the installed binary on Hyperscan's libhs.so.5 only
lib="$work/hslib"
mkdir -p "$lib"
cp -L "$root"/usr/lib/x86_64-linux-gnu/libhs.so.5 "$lib/"
LD_LIBRARY_PATH=$lib ldd "$root/usr/sbin/capgate" | grep -q "libhs.so.5 => $lib/" || { echo "libhs is not Hyperscan's"; exit 1; }
cat >"$work/capgate" <<EOF
#!/bin/sh
LD_LIBRARY_PATH=$lib exec $root/usr/sbin/capgate "\$@"
EOF
chmod +x "$work/capgate"
CAPGATE_BIN="$work/capgate" sh "$CAPGATE_SRC/tests/scenarios/secrets_rootfs.sh" >"$work/scenario.log" 2>&1 ||
	{ echo "secrets_rootfs on Hyperscan:"; tail -20 "$work/scenario.log"; exit 1; }
grep '^ok' "$work/scenario.log" | sed 's/^ok - /ok - hyperscan: /'
echo "package with hyperscan: ok"
