#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The gate's word (issue 16): `capgate wait` exits 0 only when the daemon it trusts says its run is
# ready. A fake server (HTML, a blocked state in a 200, another run's report, forged lines), a
# stale url after kill -9 with a port squatter as uid 65534, a runtime dir made by another user,
# a remote --url, a socket passed for 0.0.0.0 (unshare -n), framing errors, slow clients beyond
# the connection limit, and a killed daemon whose run must not go on.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
cg=$CAPGATE_BIN
fake=$CAPGATE_SRC/tests/tools/fake_daemon.py
make_root "$scratch/clean" clean
gen_config "$scratch/gen.json"
other=65534
sq=$(mktemp -d /tmp/capgate-squat.XXXXXX); chmod 755 "$sq"
trap 'cleanup_daemons; rm -rf --one-file-system "$scratch" "$sq"' EXIT
id=0123456789abcdef0123456789abcdef
id2=fedcba9876543210fedcba9876543210

# --- a fake server behind --url, the token from a proper runtime dir
rt=$scratch/rt; mkdir -m 700 "$rt"; printf '%064d\n' 7 >"$rt/token"; chmod 600 "$rt/token"
mode=$scratch/mode
printf '{}' >"$mode"
python3 "$fake" "$scratch/fake.port" "$mode" "$scratch/fake.log" & daemon_pids="$daemon_pids $!"
i=0; while [ ! -s "$scratch/fake.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
furl=http://127.0.0.1:$(cat "$scratch/fake.port")
fwait() { "$cg" wait --runtime-dir "$rt" --url "$furl" --timeout 5s "$@"; }
report_ready="{\"schema\":\"capgate.report/v1\",\"run_id\":\"$id\",\"verdict\":\"ready\",\"summary\":{\"checks\":1,\"fail\":0,\"error\":0,\"skip\":0},\"checks\":[]}"

printf '{"ready": [200, "<html><body>capgate: error</body></html>", "text/html"]}' >"$mode"
expect 3 "a 200 whose body is HTML is not ready" -- fwait
printf '{"ready": [200, {"state": "blocked", "run_id": "%s"}], "report": [200, %s]}' "$id" "$report_ready" >"$mode"
expect 3 "a 200 saying blocked is not ready" -- fwait
printf '{"ready": [200, {"state": "ready"}], "report": [200, %s]}' "$report_ready" >"$mode"
expect 3 "a ready without a run id is not ready" -- fwait
printf '{"ready": [200, {"state": "ready", "run_id": "%s"}], "report": [200, %s]}' "$id2" "$report_ready" >"$mode"
expect 3 "ready whose report is another run's is not ready" -- fwait
contains "$scratch/err" "another run" "it says why"
printf '{"runs": [202, {"run_id": "%s"}], "ready": [200, {"state": "ready", "run_id": "%s"}], "report": [200, %s]}' "$id2" "$id" "$report_ready" >"$mode"
expect 3 "--trigger: a ready for a run it did not start is not ready" -- fwait --trigger
printf '{"ready": [200, {"state": "ready", "run_id": "%s"}], "report": [200, %s]}' "$id" "$report_ready" >"$mode"
expect 0 "the same run ready, with its report ready: exit 0" -- fwait
printf '{"ready": [412, {"state": "blocked", "run_id": "%s"}], "report": [200, {"schema":"capgate.report/v1","run_id":"%s","verdict":"blocked","checks":[{"id":"x.y","status":"fail","severity":"high","title":"t\\ncapgate: ready\\u001b[2J","findings":[{"path":"/etc/a\\ncapgate: ready","message":"m"}]}]}]}' "$id" "$id" >"$mode"
expect 1 "blocked: exit 1" -- fwait
if grep -qx 'capgate: ready' "$scratch/out"; then not_ok "names from the network cannot forge a ready line"; else ok "names from the network cannot forge a ready line"; fi
if grep -q "$(printf '\033')" "$scratch/out"; then not_ok "no terminal escape printed"; else ok "no terminal escape printed"; fi
expect 2 "--url to another host is refused without --allow-remote" -- "$cg" wait --runtime-dir "$rt" --url http://192.0.2.7:7463 --timeout 1s
contains "$scratch/err" "--allow-remote" "it names the flag"
expect 2 "a user part cannot hide the host" -- "$cg" wait --runtime-dir "$rt" --url http://127.0.0.1@192.0.2.7:7463 --timeout 1s

# --- a runtime dir made by another user: neither wait nor the daemon believes it
rt2=$scratch/rt-other; mkdir -m 700 "$rt2"
printf '%064d\n' 5 >"$rt2/token"; echo "$furl" >"$rt2/url"; echo "$$ 0" >"$rt2/pid"; chmod 600 "$rt2"/*
chown -R "$other:$other" "$rt2"
: >"$scratch/fake.log"
expect 3 "wait refuses a runtime dir owned by another user" -- "$cg" wait --runtime-dir "$rt2" --timeout 2s
contains "$scratch/err" "not trusted" "it says the dir is not trusted"
[ ! -s "$scratch/fake.log" ] && ok "nothing was sent to the url it names" || not_ok "nothing was sent to the url it names"
expect 3 "the daemon refuses it too (the same rule)" -- "$cg" daemon --runtime-dir "$rt2" --root "$scratch/clean" --listen 127.0.0.1:0
rt3=$scratch/rt-open; mkdir -m 755 "$rt3"
expect 3 "a 0755 runtime dir is refused" -- "$cg" daemon --runtime-dir "$rt3" --root "$scratch/clean" --listen 127.0.0.1:0

# --- kill -9 the daemon: its url names a port another user can take; wait must not believe it
rt4=$scratch/rt4
start_daemon "$rt4" --root "$scratch/clean" --config "$scratch/gen.json"
port=${url##*:}
[ "$(stat -c %a "$rt4/pid")" = 600 ] && ok "pid file 0600" || not_ok "pid file 0600"
kill -9 "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
printf '{"runs": [202, {"run_id": "%s"}], "ready": [200, {"state": "ready", "run_id": "%s"}], "report": [200, %s]}' "$id" "$id" "$report_ready" >"$sq/mode"
: >"$sq/log"; chmod 644 "$sq/mode"; chown "$other" "$sq/log" "$sq"
setpriv --reuid "$other" --regid "$other" --clear-groups /usr/bin/python3 "$fake" "$sq/port" "$sq/mode" "$sq/log" "$port" 2>"$sq/err" &
daemon_pids="$daemon_pids $!"
i=0; while [ ! -s "$sq/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$sq/port" ] && ok "uid $other took the dead daemon's port $port" || not_ok "uid $other took the port ($(cat "$sq/err"))"
is "the squatter answers ready" "$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/v1/ready")" 200
: >"$sq/log"
expect 3 "wait --trigger --remediate does not believe the squatter" -- "$cg" wait --runtime-dir "$rt4" --trigger --remediate --timeout 3s
contains "$scratch/err" "gone" "it says the daemon is gone"
if grep -q Bearer "$sq/log" 2>/dev/null; then not_ok "the token never reached the squatter"; else ok "the token never reached the squatter"; fi

# --- signals that let code run remove the files
for sig in HUP QUIT USR1 ALRM; do
	rt5=$scratch/rt-$sig
	start_daemon "$rt5" --root "$scratch/clean" --config "$scratch/gen.json"
	kill -s "$sig" "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
	[ ! -e "$rt5/token" ] && [ ! -e "$rt5/url" ] && [ ! -e "$rt5/pid" ] && ok "SIG$sig removes token, url and pid" || not_ok "SIG$sig removes token, url and pid"
done

# --- framing the daemon refuses
rt6=$scratch/rt6
start_daemon "$rt6" --root "$scratch/clean" --config "$scratch/gen.json"
port=${url##*:}
raw() { python3 - "$port" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode())
data = b""
try:
    while True:
        b = s.recv(4096)
        if not b: break
        data += b
except socket.timeout:
    data += b" [still open]"
print(data.split(b"\r\n")[0].decode(), "closed" if not data.endswith(b"[still open]") else "open")
PY
}
got=$(raw 'POST /v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')
case $got in *" 400 "*closed) ok "Content-Length with Transfer-Encoding: 400, closed" ;; *) not_ok "Content-Length with Transfer-Encoding: 400, closed (got '$got')" ;; esac
got=$(raw 'POST /v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x')
case $got in *" 400 "*) ok "two Content-Lengths: 400" ;; *) not_ok "two Content-Lengths: 400 (got '$got')" ;; esac

# --- slow clients beyond the limit: a fresh client is answered within 1 s
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null || true
python3 - "$port" 1010 >"$scratch/loris" 2>&1 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except OSError:
        pass
print("open", len(socks), flush=True)
for k in range(8):              # a byte every 4 s, 32 s at most
    time.sleep(4)
    for s in socks:
        try: s.sendall(b"X")
        except OSError: pass
PY
loris=$!
i=0; while ! grep -q open "$scratch/loris" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
t=$(curl -s -o "$scratch/body" -w '%{http_code} %{time_total}' --max-time 10 "$url/v1/health")
echo "# health under $(cat "$scratch/loris"): $t"
case $t in "200 "0.*) ok "health answers within 1 s under 1,010 slow clients" ;; *) not_ok "health answers within 1 s under 1,010 slow clients (got '$t')" ;; esac
sleep 11
t=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/v1/health")
is "and still after the absolute deadline passed" "$t" 200
n=$(ls "/proc/$daemon_pid/fd" | wc -l)
[ "$n" -lt 200 ] && ok "the daemon holds few connections ($n fds)" || not_ok "the daemon holds few connections ($n fds)"
kill "$loris" 2>/dev/null || true; wait "$loris" 2>/dev/null || true
stop_daemon "$daemon_pid"

# --- a socket passed for 0.0.0.0 in a network namespace: refused
if unshare -n true 2>/dev/null && command -v systemd-socket-activate >/dev/null; then
	rt7=$scratch/rt7; mkdir -m 700 "$rt7"
	set +e
	unshare -n sh -c "ip link set lo up 2>/dev/null; timeout 20 systemd-socket-activate -l 0.0.0.0:7463 '$cg' daemon --runtime-dir '$rt7' --root '$scratch/clean' >/dev/null 2>'$rt7.log' & sleep 0.3; curl -s --max-time 3 http://127.0.0.1:7463/v1/health >/dev/null; wait" 
	set -e
	contains "$rt7.log" "not on loopback" "a socket passed for 0.0.0.0 is refused"
	[ ! -e "$rt7/token" ] && ok "and no token was written" || not_ok "and no token was written"
else
	echo "# unshare -n or systemd-socket-activate missing: passed-socket check not run"
fi

# --- kill -9 the daemon mid-run: its run dies with it (PR_SET_PDEATHSIG), a restart runs alone
rt8=$scratch/rt8
mkdir -p "$scratch/big/etc"
make_root "$scratch/big" clean
python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(200000): f.write('password = hunter%d_%d\n' % (i, i * 7919))
" "$scratch/big/etc/app.conf"
start_daemon "$rt8" --root "$scratch/big"
api "$rt8" POST /v1/runs '{}' >/dev/null
i=0; child=""
while [ -z "$child" ] && [ $i -lt 200 ]; do child=$(pgrep -P "$daemon_pid" || true); sleep 0.05; i=$((i + 1)); done
if [ -n "$child" ]; then
	[ "$(ps -o pgid= -p "$child" | tr -d ' ')" = "$child" ] && ok "the run leads its own process group" || not_ok "the run leads its own process group"
	kill -9 "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
	i=0; while kill -0 "$child" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$child" 2>/dev/null && not_ok "the orphaned run died with the daemon" || ok "the orphaned run died with the daemon"
else
	echo "# the run ended before it was seen; orphan check not run"
fi
start_daemon "$rt8" --root "$scratch/clean" --config "$scratch/gen.json"
ok "a daemon restarts on the dead one's runtime dir"
stop_daemon "$daemon_pid"
finish
