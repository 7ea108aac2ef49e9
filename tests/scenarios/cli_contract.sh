#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command-line contract: exit codes 0/1/2/3, errors that name file:line:column, JSON that
# parses, help for every verb, and a scan that changes nothing.
. "$(dirname "$0")/../scenario-lib.sh"
cg=$CAPGATE_BIN
export CAPGATE_CONFDIR="$scratch/noconf"   # never the host's /etc/capgate
# the contract is the same for every family; the gen.* family keeps the fixture small
cg_scan() { "$CAPGATE_BIN" scan --only 'gen.*' "$@"; }

clean="$scratch/clean"
mkdir -p "$clean/etc" "$clean/root" "$clean/tmp/.X11-unix" "$clean/var/tmp"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$clean/etc/passwd"
: >"$clean/etc/machine-id"
expect 0 "clean tree is ready" -- cg_scan --root "$clean"
contains "$scratch/out" "ready: " "text summary line"

dirty="$scratch/dirty"
cp -a "$clean" "$dirty"
echo 4c4c4544004d3510804bb7c04f4e3232 >"$dirty/etc/machine-id"
printf 'x' >"$dirty/tmp/new
line"
printf 'x' >"$dirty/tmp/$(printf 'bad-\377-utf8')"
before=$(snapshot "$dirty")
expect 1 "filled machine-id blocks" -- cg_scan --root "$dirty" --format json
python3 - "$scratch/out" <<'PY' && ok "json report follows capgate.report/v1" || not_ok "json report follows capgate.report/v1"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "capgate.report/v1" and r["verdict"] == "blocked" and r["mode"] == "offline"
assert set(r["summary"]) >= {"checks", "pass", "fail", "error", "skip", "findings"}
c = {x["id"]: x for x in r["checks"]}
m = c["gen.machine-id"]
assert m["status"] == "fail" and m["findings"][0]["path"] == "/etc/machine-id", m
assert "4c4c4544004d3510804bb7c04f4e3232" not in open(sys.argv[1]).read()
paths = [f["path"] for f in c["gen.tmp-files"]["findings"]]
assert "/tmp/new\nline" in paths and "/tmp/bad-\\xff-utf8" in paths, paths
assert r["actions"] == []
PY
after=$(snapshot "$dirty")
[ "$before" = "$after" ] && ok "scan changed nothing in the tree" || not_ok "scan changed nothing in the tree"

expect 0 "--fail-on critical lets a high finding pass" -- cg_scan --root "$dirty" --fail-on critical
expect 0 "--skip with a glob" -- cg_scan --root "$dirty" --skip 'gen.machine*'
expect 1 "--only with a glob" -- cg_scan --root "$dirty" --only 'gen.*'
cg_scan --root "$dirty" --output "$scratch/report.json" --format json >/dev/null || true
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$scratch/report.json" && ok "--output writes the report" || not_ok "--output writes the report"

# --output to a device writes into it and leaves the device a device
mknod "$scratch/null" c 1 3
cg_scan --root "$dirty" --output "$scratch/null" --format json >/dev/null || true
[ -c "$scratch/null" ] && ok "--output to a device keeps the device" || not_ok "--output to a device keeps the device"

# usage and configuration errors: 2, with the reason
expect 2 "unknown flag" -- cg_scan --bogus
contains "$scratch/err" "bad option '--bogus'" "unknown flag is named"
expect 2 "bad --fail-on" -- cg_scan --root "$clean" --fail-on severe
expect 2 "bad --format" -- cg_scan --root "$clean" --format xml
expect 2 "unknown profile" -- cg_scan --root "$clean" --profile nope
# a selection that matches nothing is a typo, not a pass; a bare family name selects the family
expect 2 "--only that matches no check" -- cg_scan --root "$dirty" --only gen.machine-idd
contains "$scratch/err" "--only 'gen.machine-idd' matches no check" "the unmatched pattern is named"
expect 2 "--skip that matches no check" -- cg_scan --root "$dirty" --skip nosuchfamily
expect 1 "a family name selects the family" -- cg_scan --root "$dirty" --only gen
expect 2 "missing root" -- cg_scan --root "$scratch/does-not-exist"
expect 2 "unknown verb" -- "$cg" frobnicate
printf '{\n  "scan": {\n    "bogus": true\n  }\n}\n' >"$scratch/bad.json"
expect 2 "unknown config key" -- cg_scan --root "$clean" --config "$scratch/bad.json"
contains "$scratch/err" "bad.json:3:5: unknown key 'scan.bogus'" "config error names file:line:column and key"
mkdir -p "$scratch/noconf/conf.d"
printf '{"fail_on": "high",}\n' >"$scratch/noconf/conf.d/10-x.json"
expect 2 "broken conf.d file" -- cg_scan --root "$clean"
contains "$scratch/err" "conf.d/10-x.json:1:" "conf.d error names the file"
rm -rf "$scratch/noconf"

# a check that cannot read what it must: 3 (run as an unprivileged user)
if command -v setpriv >/dev/null; then
	unread="$scratch/unread"
	cp -a "$clean" "$unread"
	echo 4c4c4544004d3510804bb7c04f4e3232 >"$unread/etc/machine-id"
	chmod 000 "$unread/etc/machine-id"
	mkdir -p "$unread/tmp/locked/inner"; chmod 000 "$unread/tmp/locked"
	chmod 755 "$scratch"
	expect 3 "unreadable file is an error, exit 3" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$cg" scan --only 'gen.*' --root "$unread" --format json
	python3 - "$scratch/out" <<'PY' && ok "errors are reported per check" || not_ok "errors are reported per check"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "error"
c = {x["id"]: x for x in r["checks"]}
assert c["gen.machine-id"]["status"] == "error"
assert c["gen.machine-id"]["errors"][0]["path"] == "/etc/machine-id"
PY
fi

# every verb has --help generated from the tables
verbs=$("$cg" --help | awk '/^verbs:/{on=1; next} on && /^  [a-z]/{print $1}')
[ "$(echo "$verbs" | wc -w)" -ge 4 ] && ok "--help lists the verbs" || not_ok "--help lists the verbs"
for v in $verbs; do
	expect 0 "$v --help" -- "$cg" $v --help
	contains "$scratch/out" "usage: capgate $v" "$v --help shows usage"
done
expect 0 "checks --format json" -- "$cg" checks --format json
python3 -c 'import json,sys; ids=[c["id"] for c in json.load(open(sys.argv[1]))]; assert "gen.machine-id" in ids' "$scratch/out" \
	&& ok "catalog lists gen.machine-id" || not_ok "catalog lists gen.machine-id"
expect 0 "explain a check" -- "$cg" explain gen.machine-id
expect 2 "explain an unknown check" -- "$cg" explain nope.none
expect 0 "NO_COLOR text has no escapes" -- env NO_COLOR=1 "$cg" scan --only 'gen.*' --root "$clean"
if grep -q "$(printf '\033')" "$scratch/out"; then not_ok "no colour when not a TTY"; else ok "no colour when not a TTY"; fi
finish
