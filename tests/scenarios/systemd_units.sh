#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# packaging/systemd: `systemd-analyze verify` is clean (rc 0 and nothing on stderr, since unknown
# keys only warn) for every unit, inside a root that holds the binary and systemd's own units;
# `systemd-analyze security --offline=true` is printed for each; ExecStart lines parse.
. "$(dirname "$0")/../scenario-lib.sh"
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing"; exit 77; }
units="$CAPGATE_SRC/packaging/systemd"
root="$scratch/root"
mkdir -p "$root/usr/sbin" "$root/etc/systemd/system" "$root/usr/lib/systemd"
cp "$CAPGATE_BIN" "$root/usr/sbin/capgate"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"   # targets the units refer to
cp "$units"/*.service "$units"/*.socket "$root/etc/systemd/system/"

for u in capgate.service capgate.socket capgate-final.service capgate-seal.service; do
	set +e; systemd-analyze verify --man=no --root="$root" "$u" >"$scratch/v.out" 2>"$scratch/v.err"; rc=$?; set -e
	if [ "$rc" = 0 ] && [ ! -s "$scratch/v.err" ]; then ok "verify $u: clean"; else not_ok "verify $u (rc $rc)"; sed 's/^/    /' "$scratch/v.err"; fi
	echo "# systemd-analyze security --offline=true $u"
	systemd-analyze security --offline=true --root="$root" "$u" 2>&1 | sed 's/^/#   /' | tail -n 40
done

# the check itself catches what it must: a typo only warns, and this test fails on the warning
sed 's/^ProtectClock=yes/ProtectClok=yes/' "$units/capgate.service" >"$root/etc/systemd/system/capgate-typo.service"
systemd-analyze verify --man=no --root="$root" capgate-typo.service >/dev/null 2>"$scratch/v.err" || true
[ -s "$scratch/v.err" ] && ok "a misspelt key is caught (stderr not empty)" || not_ok "a misspelt key is caught"

# exposure: the daemon stays below 5.0 (a root remediation agent); the read-only final check below 3.0
for pair in capgate.service:50 capgate-final.service:30; do
	u=${pair%%:*}; t=${pair##*:}
	expect 0 "$u exposure below $t/10" -- systemd-analyze security --offline=true --threshold="$t" --root="$root" "$u"
done

# ExecStart lines use verbs and flags the binary accepts
for u in capgate.service capgate-final.service; do
	args=$(sed -n 's|^ExecStart=/usr/sbin/capgate ||p' "$units/$u")
	# shellcheck disable=SC2086
	expect 0 "$u ExecStart parses: capgate $args" -- "$CAPGATE_BIN" $args --help
done
grep -q '^Type=notify$' "$units/capgate.service" && ok "capgate.service is Type=notify" || not_ok "Type=notify"
grep -q '^Type=oneshot$' "$units/capgate-final.service" && ok "capgate-final.service is a oneshot" || not_ok "oneshot"
# the seal is armed by hand before capture, never enabled: no [Install] section
grep -q '^\[Install\]' "$units/capgate-seal.service" && not_ok "capgate-seal.service has no [Install]" || ok "capgate-seal.service has no [Install]"
a=$(sed -n 's/^ListenStream=//p' "$units/capgate.socket"); b=$(sed -n 's/.*--listen //p' "$units/capgate.service")
[ "$a" = "$b" ] && ok "socket and service agree on $a" || not_ok "socket ($a) and service ($b) disagree"
finish
