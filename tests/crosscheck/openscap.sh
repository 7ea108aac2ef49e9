#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Cross-check against OpenSCAP: run oscap-chroot (SSG's Ubuntu 22.04 CIS Level 1 server profile,
# its platform check pointed at Debian 12 as research/hardening.md §6 did; bookworm's SSG has no
# Debian 12 content) and capgate on the same debootstrapped rootfs, and print, for every rule
# both cover, whether they agree, with the reason for each difference from
# tests/crosscheck/openscap-reasons.tsv. Run by hand (about 30 s); not part of CI.
# Needs: apt-get install openscap-scanner ssg-debderived ssg-base
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CAPGATE_BIN:-$src/build/capgate}
ssg=/usr/share/xml/scap/ssg/content
command -v oscap-chroot >/dev/null && [ -f "$ssg/ssg-ubuntu2204-ds.xml" ] ||
	{ echo "openscap.sh: needs openscap-scanner and ssg-debderived (apt-get install openscap-scanner ssg-debderived)" >&2; exit 77; }
stock=$("$src/tests/fixtures/rootfs.sh")
work=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-oscap.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
# oscap-chroot writes APT caches into the root it scans (research §3.2): give it its own copy
cp -a "$stock" "$work/root"
sed -e 's|/etc/lsb-release|/etc/os-release|g' -e 's|\^DISTRIB_ID=Ubuntu\$|^ID=debian$|' \
	-e 's|\^DISTRIB_CODENAME=jammy\$|^VERSION_CODENAME=bookworm$|' "$ssg/ssg-ubuntu2204-ds.xml" >"$work/ds.xml"
t0=$(date +%s%N)
oscap-chroot "$work/root" xccdf eval --profile xccdf_org.ssgproject.content_profile_cis_level1_server \
	--results "$work/oscap.xml" "$work/ds.xml" >"$work/oscap.out" 2>"$work/oscap.err" || true
t1=$(date +%s%N)
"$bin" scan --root "$stock" --profile full --format json >"$work/capgate.json" || true
t2=$(date +%s%N)
echo "oscap-chroot: $(( (t1 - t0) / 1000000 )) ms; capgate: $(( (t2 - t1) / 1000000 )) ms"
python3 "$src/tests/crosscheck/compare.py" "$work/oscap.xml" "$work/capgate.json" "$src/tests/crosscheck/openscap-reasons.tsv"
