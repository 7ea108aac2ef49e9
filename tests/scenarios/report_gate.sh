#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Reports from the gate: `capgate run` and `capgate wait` write JSON, SARIF and JUnit from their own
# run (--format/--output pairs), and in every case the files agree with the exit code (ready 0,
# blocked 1, error 3; tests/formats/check_agree.py). A build user's keys, which the gate leaves for
# the last phase, are not a JUnit failure when the gate said ready. wait prints what was fixed and
# what is left. Pairing mistakes are usage errors; report files replace no link planted there.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
cg=$CAPGATE_BIN
agree=$CAPGATE_SRC/tests/formats/check_agree.py
junit=$CAPGATE_SRC/tests/formats/check_junit.py
gen_config "$scratch/gen.json"

# packer_root DIR: leftovers the gate fixes (machine id, /tmp) and the build user's keys (last phase)
packer_root() {
	make_root "$1" dirty
	mkdir -p "$1/home/packer/.ssh"
	printf 'root:x:0:0:root:/root:/bin/bash\npacker:x:1000:1000::/home/packer:/bin/bash\n' >"$1/etc/passwd"
	printf 'root:*:19000::::::\npacker:!:19000::::::\n' >"$1/etc/shadow"
	printf 'root:x:0:\npacker:x:1000:\n' >"$1/etc/group"
	echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO1 packer@build" >"$1/home/packer/.ssh/authorized_keys"
	: >"$1/tmp/packer-shell-1234.sh"
}

# reports NAME RC: the three files of one run agree with RC and with each other
reports() {
	if python3 "$agree" "$2" "$scratch/$1.json" "$scratch/$1.sarif" "$scratch/$1.junit" >"$scratch/why" 2>&1 &&
		python3 "$junit" "$scratch/$1.junit" "$scratch/$1.json" >>"$scratch/why" 2>&1; then
		ok "$1: the reports say what exit $2 says"
	else
		not_ok "$1: the reports disagree with exit $2"; sed 's/^/    /' "$scratch/why" | tail -3
	fi
}
out3() { echo -f json -o "$scratch/$1.json" -f sarif -o "$scratch/$1.sarif" -f junit -o "$scratch/$1.junit"; }

# --- capgate run
make_root "$scratch/clean" clean
make_root "$scratch/dirty" dirty
packer_root "$scratch/packer"
# shellcheck disable=SC2046
expect 0 "run on a clean image: 0" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" $(out3 run-clean)
reports run-clean 0
# shellcheck disable=SC2046
expect 1 "run on a dirty image: 1" -- "$cg" run --root "$scratch/dirty" --config "$scratch/gen.json" $(out3 run-dirty)
reports run-dirty 1
contains "$scratch/out" "gen.machine-id" "run still prints the text report on stdout"
# shellcheck disable=SC2046
expect 0 "run --remediate on a Packer build: the gate fixes, defers the build user, 0" -- \
	"$cg" run --root "$scratch/packer" --config "$scratch/gen.json" --remediate $(out3 run-fixed)
reports run-fixed 0
python3 - "$scratch/run-fixed.junit" "$scratch/run-fixed.json" <<'PY' && ok "the deferred build user is skipped in JUnit, the fixes are in the JSON" || not_ok "deferred check and actions in the reports"
import json, sys, xml.etree.ElementTree as ET
tc = {t.get("name"): t for t in ET.parse(sys.argv[1]).getroot().iter("testcase")}
b = tc["gen.build-user-access"]
assert b.find("skipped") is not None and b.find("failure") is None, ET.tostring(b)
assert "last phase" in b.find("skipped").get("message")
rep = json.load(open(sys.argv[2]))
done = {(a["check"], a["path"]) for a in rep["actions"] if a["result"] == "done"}
assert ("gen.machine-id", "/etc/machine-id") in done and ("gen.tmp-files", "/tmp/packer-shell-1234.sh") in done, done
PY
# the same gate, one report on stdout: JSON there, the plan and results on stderr
expect 1 "run --format json to stdout: 1" -- "$cg" run --root "$scratch/dirty" --config "$scratch/gen.json" -f junit -o "$scratch/stdout.junit" -f json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["verdict"] == "blocked"' "$scratch/out" &&
	ok "the JSON report on stdout is the whole of stdout" || not_ok "the JSON report on stdout is the whole of stdout"
cp "$scratch/out" "$scratch/stdout.json"
python3 "$junit" "$scratch/stdout.junit" "$scratch/stdout.json" >/dev/null && ok "the file and stdout come from one run" || not_ok "the file and stdout come from one run"

# a check that cannot read what it must: error, 3, and every report says error
if command -v setpriv >/dev/null; then
	cp -a "$scratch/dirty" "$scratch/unread"
	chmod 000 "$scratch/unread/etc/machine-id"
	mkdir -p "$scratch/nobody"; chmod 777 "$scratch/nobody"; chmod 755 "$scratch"
	chmod 644 "$scratch/gen.json"
	expect 3 "run with an unreadable file: 3" -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$cg" run --root "$scratch/unread" --config "$scratch/gen.json" \
		-f json -o "$scratch/nobody/run-error.json" -f sarif -o "$scratch/nobody/run-error.sarif" -f junit -o "$scratch/nobody/run-error.junit"
	for f in json sarif junit; do cp "$scratch/nobody/run-error.$f" "$scratch/run-error.$f"; done
	reports run-error 3
else
	echo "# setpriv is missing: the error case of run is not exercised"
fi

# --- pairing: usage errors, nothing written
expect 2 "two --format to stdout: 2" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" -f json -f sarif
expect 2 "an --output without its --format after pairs: 2" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" -f json -o "$scratch/a.json" -o "$scratch/b"
expect 2 "the same --output twice: 2" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" -f json -o "$scratch/a.json" -f sarif -o "$scratch/a.json"
expect 2 "an unknown format among several: 2" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" -f json -o "$scratch/a.json" -f xml -o "$scratch/b"
[ ! -e "$scratch/a.json" ] && [ ! -e "$scratch/b" ] && ok "a usage error writes no report" || not_ok "a usage error writes no report"
# a link planted at the report's name is replaced, its target untouched
echo keep >"$scratch/target"
ln -s "$scratch/target" "$scratch/planted.json"
expect 0 "run writes over a planted link: 0" -- "$cg" run --root "$scratch/clean" --config "$scratch/gen.json" -f json -o "$scratch/planted.json"
[ "$(cat "$scratch/target")" = keep ] && [ ! -L "$scratch/planted.json" ] && ok "the link is replaced by the report, its target untouched" || not_ok "a planted link was followed"
ls "$scratch"/planted.json.* >/dev/null 2>&1 && not_ok "a temp file was left behind" || ok "no temp file left behind"

# --- capgate wait: the daemon's run, written on the provisioner's side
rt="$scratch/rt"
start_daemon "$rt" --root "$scratch/dirty" --config "$scratch/gen.json"
# shellcheck disable=SC2046
expect 1 "wait --trigger on a dirty image: 1" -- "$cg" wait --runtime-dir "$rt" --trigger --timeout 30s $(out3 wait-dirty)
reports wait-dirty 1
contains "$scratch/out" "capgate: blocked" "wait prints the verdict with the reports asked"
stop_daemon "$daemon_pid"

rt2="$scratch/rt2"
packer_root "$scratch/packer2"
start_daemon "$rt2" --root "$scratch/packer2" --config "$scratch/gen.json"
# shellcheck disable=SC2046
expect 0 "wait --trigger --remediate on a Packer build: 0" -- "$cg" wait --runtime-dir "$rt2" --trigger --remediate --timeout 30s $(out3 wait-fixed)
reports wait-fixed 0
contains "$scratch/out" "fixed gen.machine-id: reset-machine-id /etc/machine-id" "wait prints what was fixed"
contains "$scratch/out" "capgate: 2 fixed by this run" "wait counts the fixes"
contains "$scratch/out" "capgate: ready" "wait prints the verdict"
python3 - "$scratch/wait-fixed.json" "$rt2" <<'PY' && ok "wait's JSON is the daemon's report" || not_ok "wait's JSON is the daemon's report"
import json, subprocess, sys
mine = json.load(open(sys.argv[1]))
rt = sys.argv[2]
url, tok = open(rt + "/url").read().strip(), open(rt + "/token").read().strip()
theirs = json.loads(subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + tok, url + "/v1/report"],
                                   check=True, capture_output=True).stdout)
# the same report, run id included (the run the daemon's answers are bound to)
assert isinstance(mine.get("run_id"), str) and len(mine["run_id"]) == 32, "wait's report names no run"
assert mine == theirs, "differs"
PY
stop_daemon "$daemon_pid"

rt3="$scratch/rt3"
start_daemon "$rt3" --root "$scratch/clean" --config "$scratch/gen.json"
# shellcheck disable=SC2046
expect 0 "wait --trigger on a clean image: 0" -- "$cg" wait --runtime-dir "$rt3" --trigger --timeout 30s $(out3 wait-clean)
reports wait-clean 0
expect 2 "wait with two reports on stdout: 2" -- "$cg" wait --runtime-dir "$rt3" -f json -f sarif
stop_daemon "$daemon_pid"

# the daemon's run cannot read a file: 3, and the reports wait writes say error
if command -v setpriv >/dev/null; then
	rt4="$scratch/nobody/rt4"
	mkdir -p "$rt4"; chmod 700 "$rt4"; chown 65534:65534 "$rt4"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$cg" daemon --runtime-dir "$rt4" --listen 127.0.0.1:0 \
		--root "$scratch/unread" --config "$scratch/gen.json" 2>>"$scratch/rt4.log" &
	daemon_pid=$!
	daemon_pids="$daemon_pids $daemon_pid"
	i=0
	while [ ! -s "$rt4/url" ] && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.05; done
	# shellcheck disable=SC2046
	# wait runs as the daemon's user: a runtime dir owned by another user is refused (docs/daemon.md)
	expect 3 "wait --trigger when the run cannot read a file: 3" -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$cg" wait --runtime-dir "$rt4" --trigger --timeout 30s \
		-f json -o "$scratch/nobody/wait-error.json" -f sarif -o "$scratch/nobody/wait-error.sarif" -f junit -o "$scratch/nobody/wait-error.junit"
	for f in json sarif junit; do cp "$scratch/nobody/wait-error.$f" "$scratch/wait-error.$f" || :; done
	reports wait-error 3
	stop_daemon "$daemon_pid"
fi
finish
