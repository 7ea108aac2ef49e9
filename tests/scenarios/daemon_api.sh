#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# capgate daemon over real sockets with curl: token file, 401/404/409/503/412/200/413, curl --retry
# semantics, unix socket, socket activation by systemd-socket-activate, SIGTERM, loopback only.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
cg=$CAPGATE_BIN
make_root "$scratch/clean" clean
make_root "$scratch/dirty" dirty
gen_config "$scratch/gen.json"

# --- the token and runtime dir
rt="$scratch/rt"
start_daemon "$rt" --root "$scratch/clean" --config "$scratch/gen.json"
is "token file is mode 0600" "$(stat -c %a "$rt/token")" 600
is "runtime dir is mode 0700" "$(stat -c %a "$rt")" 700
grep -qxE '[0-9a-f]{64}' "$rt/token" && ok "token is 64 hex digits" || not_ok "token is 64 hex digits"
token1=$(cat "$rt/token")

# --- before the first run
is "health without token" "$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/v1/health")" 200
contains "$scratch/body" '"status":"ok"' "health says ok"
for ep in status report ready; do
	is "$ep without token: 401" "$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/v1/$ep")" 401
	is "$ep with a wrong token: 401" "$(curl -s -o "$scratch/body" -w '%{http_code}' -H "Authorization: Bearer $(printf '0%.0s' $(seq 64))" "$url/v1/$ep")" 401
	is "$ep with the token in the query string: 401" "$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/v1/$ep?token=$(cat "$rt/token")")" 401
done
is "POST runs without token: 401" "$(curl -s -o "$scratch/body" -w '%{http_code}' -X POST "$url/v1/runs")" 401
is "report before the first run: 404" "$(api "$rt" GET /v1/report)" 404
curl -s -D "$scratch/hdr" -o "$scratch/body" -H "Authorization: Bearer $(cat "$rt/token")" "$url/v1/ready" >/dev/null
contains "$scratch/hdr" "HTTP/1.1 503" "ready before the first run: 503"
contains "$scratch/hdr" "Retry-After: 1" "503 carries Retry-After"
contains "$scratch/hdr" "Content-Type: application/json" "answers are JSON"
is "status idle" "$(api "$rt" GET /v1/status)" 200
contains "$scratch/body" '"state":"idle"' "state idle"
is "bad JSON body: 400" "$(api "$rt" POST /v1/runs '{"remediate":')" 400
contains "$scratch/body" '"error"' "errors are JSON"
is "unknown endpoint: 404" "$(api "$rt" GET /v1/nothing)" 404
is "wrong method: 405" "$(api "$rt" GET /v1/runs)" 405
big=$(head -c 20000 /dev/zero | tr '\0' ' ')
is "oversized body: 413" "$(api "$rt" POST /v1/runs "{\"only\":[]$big}")" 413
hdr=$(head -c 40000 /dev/zero | tr '\0' 'a')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $hdr" "$url/v1/health")
case $code in 413|414|431) ok "oversized headers refused ($code)" ;; *) not_ok "oversized headers refused (got $code)" ;; esac

# --- a run: 202, then ready
is "POST runs: 202" "$(api "$rt" POST /v1/runs '{}')" 202
run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$scratch/body")
is "run ends ready" "$(wait_state "$rt")" ready
is "ready: 200" "$(api "$rt" GET /v1/ready)" 200
contains "$scratch/body" "\"run_id\":\"$run_id\"" "ready names the run"
is "report: 200" "$(api "$rt" GET /v1/report)" 200
python3 - "$scratch/body" <<'PY' && ok "report is capgate.report/v1, gen.* only" || not_ok "report is capgate.report/v1, gen.* only"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "capgate.report/v1" and r["verdict"] == "ready" and r["mode"] == "offline", r
assert r["checks"] and all(c["id"].startswith("gen.") for c in r["checks"])
PY
# curl --fail --retry, as a provisioner one-liner would use it: ready passes at once
expect 0 "curl --fail --retry passes on ready" -- curl -fsS --retry 5 --retry-delay 1 -H "Authorization: Bearer $(cat "$rt/token")" "$url/v1/ready"
kill "$daemon_pid"
set +e; wait "$daemon_pid"; rc=$?; set -e
is "SIGTERM: clean exit 0" "$rc" 0
[ ! -e "$rt/token" ] && ok "token removed on exit" || not_ok "token removed on exit"
first_token=$token1

# --- a dirty image, run at start: curl --retry waits through 503, then fails at once on 412
rt2="$scratch/rt2"
gen_config "$scratch/gen-start.json" ', "daemon": {"run_at_start": true}'
start_daemon "$rt2" --root "$scratch/dirty" --config "$scratch/gen-start.json"
[ "$(cat "$rt2/token")" != "$first_token" ] && ok "every start makes a new token" || not_ok "every start makes a new token"
expect 22 "curl --fail --retry stops at once on 412 (blocked)" -- curl -fsS --retry 30 --retry-delay 1 --retry-connrefused -H "Authorization: Bearer $(cat "$rt2/token")" "$url/v1/ready"
is "ready: 412 when blocked" "$(api "$rt2" GET /v1/ready)" 412
contains "$scratch/body" '"id":"gen.machine-id"' "412 names the failing check"
if grep -q 4c4c4544004d3510804bb7c04f4e3232 "$scratch/body"; then not_ok "machine id not in the answer"; else ok "machine id not in the answer"; fi

# --- capgate wait: 0 ready, 1 blocked, 3 timeout/error, 2 usage
CAPGATE_RUNTIME_DIR=$rt2 expect 1 "wait: blocked image exits 1" -- "$cg" wait --timeout 20s
contains "$scratch/out" "gen.machine-id" "wait prints the failing check"
contains "$scratch/out" "capgate: blocked" "wait prints the verdict"
expect 1 "wait --trigger on a blocked image exits 1" -- "$cg" wait --runtime-dir "$rt2" --trigger --timeout 20s
contains "$scratch/err" "started" "wait --trigger says the run started"
stop_daemon "$daemon_pid"

rt3="$scratch/rt3"
start_daemon "$rt3" --root "$scratch/clean" --config "$scratch/gen.json"
expect 3 "wait without a run times out: 3" -- "$cg" wait --runtime-dir "$rt3" --timeout 2s
contains "$scratch/err" "timed out" "timeout is explained"
expect 0 "wait --trigger on a clean image exits 0" -- "$cg" wait --runtime-dir "$rt3" --trigger --timeout 20s
contains "$scratch/out" "capgate: ready" "wait prints ready"
expect 0 "wait --url works" -- "$cg" wait --runtime-dir "$rt3" --url "$(cat "$rt3/url")" --timeout 5s
echo 4c4c4544004d3510804bb7c04f4e3232 >"$scratch/clean/etc/machine-id"
expect 1 "wait --trigger sees a leftover planted since the last run" -- "$cg" wait --runtime-dir "$rt3" --trigger --timeout 20s
expect 0 "wait --trigger --only narrows the run (machine-id not judged)" -- "$cg" wait --runtime-dir "$rt3" --trigger --only gen.tmp-files --timeout 20s
: >"$scratch/clean/etc/machine-id"
expect 2 "wait --trigger with an unknown profile: 2" -- "$cg" wait --runtime-dir "$rt3" --trigger --profile nope --timeout 5s
expect 3 "wait --trigger --only naming no check: the run refuses it, 3" -- "$cg" wait --runtime-dir "$rt3" --trigger --only gen.machine-idd --timeout 20s
cat "$scratch/out" >>"$scratch/err"
contains "$scratch/err" "matches no check" "the refusal names the pattern"
expect 2 "wait --remediate without --trigger: 2" -- "$cg" wait --runtime-dir "$rt3" --remediate
expect 2 "wait --timeout garbage: 2" -- "$cg" wait --runtime-dir "$rt3" --timeout soon
stop_daemon "$daemon_pid"
expect 3 "wait with no daemon times out: 3" -- "$cg" wait --runtime-dir "$scratch/none" --timeout 1s

# --- remediation through the daemon: POST {"remediate":true} runs `capgate run --remediate`
make_root "$scratch/fixme" dirty
rt8="$scratch/rt8"
start_daemon "$rt8" --root "$scratch/fixme" --config "$scratch/gen.json"
expect 1 "wait --trigger without --remediate: still blocked" -- "$cg" wait --runtime-dir "$rt8" --trigger --timeout 30s
expect 0 "wait --trigger --remediate fixes the leftover: ready" -- "$cg" wait --runtime-dir "$rt8" --trigger --remediate --timeout 30s
is "report after remediation" "$(api "$rt8" GET /v1/report)" 200
python3 - "$scratch/body" <<'PY' && ok "the report lists the action that reset the machine id" || not_ok "the report lists the remediation action"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "ready", r["verdict"]
acts = [a for a in r["actions"] if a["path"] == "/etc/machine-id"]
assert acts and acts[0]["result"] == "done", r["actions"]
PY
contains "$rt8.log" "remediate: yes" "the daemon logs a remediating run"
stop_daemon "$daemon_pid"

# --- unix socket
rt4="$scratch/rt4"
start_daemon "$rt4" --root "$scratch/clean" --config "$scratch/gen.json" --listen "unix:$scratch/api.sock"
is "unix socket is mode 0600" "$(stat -c %a "$scratch/api.sock")" 600
is "health over the unix socket" "$(curl -s -o "$scratch/body" -w '%{http_code}' --unix-socket "$scratch/api.sock" http://localhost/v1/health)" 200
expect 0 "wait --trigger over the unix socket" -- "$cg" wait --runtime-dir "$rt4" --trigger --timeout 20s
stop_daemon "$daemon_pid"
[ ! -e "$scratch/api.sock" ] && ok "unix socket removed on exit" || not_ok "unix socket removed on exit"

# --- socket activation: systemd-socket-activate holds the socket and passes it (LISTEN_FDS)
if command -v systemd-socket-activate >/dev/null; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	rt5="$scratch/rt5"; mkdir -m 700 "$rt5"
	systemd-socket-activate -l "127.0.0.1:$port" "$cg" daemon --runtime-dir "$rt5" --root "$scratch/clean" \
		--config "$scratch/gen.json" --listen 127.0.0.1:1 2>"$rt5.log" &
	sa_pid=$!; daemon_pids="$daemon_pids $sa_pid"
	sleep 0.3
	# the first connection starts capgate, which takes the passed socket, not --listen
	is "socket-activated daemon answers" "$(curl -s -o "$scratch/body" -w '%{http_code}' --retry 5 --retry-connrefused "http://127.0.0.1:$port/v1/health")" 200
	i=0; while [ ! -s "$rt5/url" ] && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
	is "it records the passed socket's address" "$(cat "$rt5/url" 2>/dev/null)" "http://127.0.0.1:$port"
	expect 0 "wait --trigger through the activated socket" -- "$cg" wait --runtime-dir "$rt5" --trigger --timeout 20s
	stop_daemon "$sa_pid"
else
	echo "# systemd-socket-activate missing: socket activation not tested"
fi

# --- slow clients: an idle half-sent request is dropped after daemon.timeout; the connection
# limit holds; the daemon keeps answering
gen_config "$scratch/limits.json" ', "daemon": {"timeout": "1s", "max_connections": 4}'
start_daemon "$scratch/rt7" --root "$scratch/clean" --config "$scratch/limits.json"
python3 - "$url" <<'PY' && ok "slow clients are cut off after the timeout and the limit holds" || not_ok "slow clients and connection limit"
import socket, sys, time, urllib.request
host, port = sys.argv[1].split("//")[1].split(":")
conns = []
for _ in range(6):  # more than max_connections, each sending half a request
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
    conns.append(s)
time.sleep(0.3)
# over the limit: the 5th and 6th are closed by the daemon at once
closed_early = 0
for s in conns[4:]:
    s.settimeout(0.5)
    try:
        closed_early += s.recv(1) == b""
    except (socket.timeout, ConnectionResetError):
        closed_early += 1
assert closed_early == 2, closed_early
time.sleep(1.8)  # past the 1 s timeout: the slow ones are gone
for s in conns[:4]:
    s.settimeout(0.5)
    assert s.recv(1) == b"", "slow client not dropped"
assert urllib.request.urlopen(sys.argv[1] + "/v1/health", timeout=2).status == 200
PY
stop_daemon "$daemon_pid"

# --- only loopback
expect 2 "listening on 0.0.0.0 is refused" -- "$cg" daemon --runtime-dir "$scratch/rt6" --root "$scratch/clean" --listen 0.0.0.0:7463
contains "$scratch/err" "not a loopback address" "the refusal says why"
expect 2 "a missing image root is a usage error" -- "$cg" daemon --runtime-dir "$scratch/rt6" --root "$scratch/missing" --listen 127.0.0.1:0
chmod 777 "$scratch/rt6" 2>/dev/null || mkdir -m 777 "$scratch/rt6"
expect 3 "a world-writable runtime dir is refused" -- "$cg" daemon --runtime-dir "$scratch/rt6" --root "$scratch/clean" --listen 127.0.0.1:0
finish
