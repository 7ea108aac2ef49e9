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
i=0; while [ ! -s "$scratch/fake.port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
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
# in a network namespace of its own (lo only), so that a wait that does send goes nowhere
if unshare -n true 2>/dev/null; then
	expect 2 "--url to another host is refused without --allow-remote" -- unshare -n "$cg" wait --runtime-dir "$rt" --url http://192.0.2.7:7463 --timeout 1s
	contains "$scratch/err" "--allow-remote" "it names the flag"
	expect 2 "a user part cannot hide the host" -- unshare -n "$cg" wait --runtime-dir "$rt" --url http://127.0.0.1@192.0.2.7:7463 --timeout 1s
else
	echo "# unshare -n missing: --url to another host not tried"
fi

# --- a runtime dir made by another user: neither wait nor the daemon believes it
rt2=$scratch/rt-other; mkdir -m 700 "$rt2"
printf '%064d\n' 5 >"$rt2/token"; echo "$furl" >"$rt2/url"; echo "$$ 0" >"$rt2/pid"; chmod 600 "$rt2"/*
chown -R "$other:$other" "$rt2"
: >"$scratch/fake.log"
expect 3 "wait refuses a runtime dir owned by another user" -- "$cg" wait --runtime-dir "$rt2" --timeout 2s
contains "$scratch/err" "not trusted" "it says the dir is not trusted"
[ ! -s "$scratch/fake.log" ] && ok "nothing was sent to the url it names" || not_ok "nothing was sent to the url it names"
# (a daemon that does not refuse would serve on: it is stopped after 10 s, exit 124)
expect 3 "the daemon refuses it too (the same rule)" -- timeout 10 "$cg" daemon --runtime-dir "$rt2" --root "$scratch/clean" --listen 127.0.0.1:0
rt3=$scratch/rt-open; mkdir -m 755 "$rt3"
expect 3 "a 0755 runtime dir is refused" -- timeout 10 "$cg" daemon --runtime-dir "$rt3" --root "$scratch/clean" --listen 127.0.0.1:0

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
i=0; while [ ! -s "$sq/port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$sq/port" ] && ok "uid $other took the dead daemon's port $port" || not_ok "uid $other took the port ($(cat "$sq/err"))"
is "the squatter answers ready" "$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/v1/ready")" 200
: >"$sq/log"
expect 3 "wait --trigger --remediate does not believe the squatter" -- "$cg" wait --runtime-dir "$rt4" --trigger --remediate --timeout 3s
contains "$scratch/err" "gone" "it says the daemon is gone"
if grep -q Bearer "$sq/log" 2>/dev/null; then not_ok "the token never reached the squatter"; else ok "the token never reached the squatter"; fi

# --- signals that let code run remove the files
running() { st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]; }
for sig in HUP QUIT USR1 ALRM; do
	rt5=$scratch/rt-$sig
	start_daemon "$rt5" --root "$scratch/clean" --config "$scratch/gen.json"
	kill -s "$sig" "$daemon_pid"
	# a daemon that ignores the signal is not waited for forever: 30 s, then SIGKILL
	i=0; while running "$daemon_pid" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	running "$daemon_pid" && { echo "# SIG$sig did not stop the daemon"; kill -9 "$daemon_pid"; }
	wait "$daemon_pid" 2>/dev/null || true
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

# --- slow clients beyond the limit: 1,010 slow-loris clients from 127.0.0.2 (a byte every 4 s, each
# one the daemon closes opened again) for 24 s, across two absolute deadlines; a fresh client from
# 127.0.0.1 asks /v1/health every 250 ms: every probe is answered 200, one a second at least
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null || true
if timeout 120 python3 "$CAPGATE_SRC/tests/hostile/api_abuse.py" 127.0.0.1 "$port" x fresh 1010 24 "$daemon_pid" >"$scratch/loris" 2>&1; then
	ok "fresh /v1/health probes keep being answered under 1,010 slow clients"
else
	not_ok "fresh /v1/health probes keep being answered under 1,010 slow clients"
fi
sed 's/^/  /' "$scratch/loris"
is "and still after the slow clients left" "$(curl -s -o "$scratch/body" -w '%{http_code}' --max-time 10 "$url/v1/health")" 200
stop_daemon "$daemon_pid"

# --- a socket passed for 0.0.0.0 in a network namespace: refused
if unshare -n true 2>/dev/null && command -v systemd-socket-activate >/dev/null; then
	rt7=$scratch/rt7; mkdir -m 700 "$rt7"
	set +e
	unshare -n sh -c "ip link set lo up 2>/dev/null; timeout 20 systemd-socket-activate -l 0.0.0.0:7463 '$cg' daemon --runtime-dir '$rt7' --root '$scratch/clean' >/dev/null 2>'$rt7.log' & curl -s --max-time 3 --retry 30 --retry-delay 1 --retry-connrefused http://127.0.0.1:7463/v1/health >/dev/null; wait" 
	set -e
	contains "$rt7.log" "not on loopback" "a socket passed for 0.0.0.0 is refused"
	[ ! -e "$rt7/token" ] && ok "and no token was written" || not_ok "and no token was written"
else
	echo "# unshare -n or systemd-socket-activate missing: passed-socket check not run"
fi

# an image whose whole scan takes seconds (200,000 secret-like lines), so a run is caught running
mkdir -p "$scratch/big/etc"
make_root "$scratch/big" clean
python3 -c "
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(200000): f.write('password = hunter%d_%d\n' % (i, i * 7919))
" "$scratch/big/etc/app.conf"
# start_caught RUNTIME_DIR DAEMON_PID BODY: start a run (POST /v1/runs BODY) and stop (SIGSTOP) its
# process the moment it has become the scan (exec'd: its own process group and parent-death signal
# are set by then). The watcher, a tight loop over /proc, is up before the run is asked for, and a
# whole scan of the image takes hundreds of milliseconds at the least. Sets $run_id and $caught
# (the pid, seen stopped; empty if no run was caught within 10 s).
start_caught() {
	rm -f "$scratch/caught" "$scratch/caught.up"
	python3 - "$2" "$scratch/caught" <<'PY' &
import os, signal, sys, time
open(sys.argv[2] + ".up", "w").close()
end = time.monotonic() + 10
run = None
while run is None and time.monotonic() < end:
    for k in os.listdir("/proc"):
        try:
            if (k.isdigit() and open(f"/proc/{k}/stat").read().rsplit(")", 1)[1].split()[1] == sys.argv[1]
                    and open(f"/proc/{k}/cmdline", "rb").read().split(b"\0")[1:2] in ([b"scan"], [b"run"])):
                run = int(k)
        except (OSError, IndexError):
            pass
if run is not None:
    try:
        os.kill(run, signal.SIGSTOP)
        while time.monotonic() < end:
            if open(f"/proc/{run}/stat").read().rsplit(")", 1)[1].split()[0] == "T":
                open(sys.argv[2], "w").write(str(run))
                break
            time.sleep(0.005)
    except (OSError, IndexError):
        pass
PY
	watcher=$!
	i=0; while [ ! -e "$scratch/caught.up" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	api "$1" POST /v1/runs "$3" >/dev/null
	run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("run_id", "(no run id)"))' "$scratch/body")
	wait "$watcher" || true
	caught=$(cat "$scratch/caught" 2>/dev/null || true)
}

# --- a run that fails after a ready one (its process killed): report and ready answer for the failed
# run (500, its run id), never with the previous run's verdict or summary
rt9=$scratch/rt9
start_daemon "$rt9" --root "$scratch/big"
api "$rt9" POST /v1/runs '{"only": ["gen.*"]}' >/dev/null
is "the first run (gen.* only) is ready" "$(wait_state "$rt9")" ready
is "and its report is served" "$(api "$rt9" GET /v1/report)" 200
start_caught "$rt9" "$daemon_pid" '{}'
run2=$run_id
[ -n "$caught" ] && ok "the second run was caught running" || not_ok "the second run was caught running"
[ -n "$caught" ] && kill -9 "$caught"
is "the killed run ends in error" "$(wait_state "$rt9")" error
is "/v1/report: 500 for the failed run, not the previous report" "$(api "$rt9" GET /v1/report)" 500
if grep -q '"verdict" *: *"ready"' "$scratch/body"; then not_ok "the failed run's answer is not the old ready verdict"; else ok "the failed run's answer is not the old ready verdict"; fi
contains "$scratch/body" "$run2" "/v1/report names the failed run"
is "/v1/ready: 500 for the failed run" "$(api "$rt9" GET /v1/ready)" 500
if grep -q '"summary"' "$scratch/body"; then not_ok "/v1/ready carries no summary (the old one)"; else ok "/v1/ready carries no summary (the old one)"; fi
stop_daemon "$daemon_pid"

# --- kill -9 the daemon mid-run: its run dies with it (PR_SET_PDEATHSIG), a restart runs alone
rt8=$scratch/rt8
start_daemon "$rt8" --root "$scratch/big"
start_caught "$rt8" "$daemon_pid" '{}'
child=$caught
if [ -n "$child" ]; then
	# should it outlive its daemon (the behaviour under test), it is killed at the end
	trap 'kill -9 "$child" 2>/dev/null || true; cleanup_daemons; rm -rf --one-file-system "$scratch" "$sq"' EXIT
	[ "$(ps -o pgid= -p "$child" | tr -d ' ')" = "$child" ] && ok "the run leads its own process group" || not_ok "the run leads its own process group"
	# the run, stopped mid-scan, goes on once its daemon is gone, unless it died with it
	kill -9 "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
	kill -CONT "$child" 2>/dev/null || true
	i=0; while kill -0 "$child" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 "$child" 2>/dev/null && not_ok "the orphaned run died with the daemon" || ok "the orphaned run died with the daemon"
	# the restarted daemon on the same image: its run never overlaps the dead daemon's (the dead
	# one's url goes first, so that start_daemon waits for the new one's, not the stale one)
	rm -f "$rt8/url"
	start_daemon "$rt8" --root "$scratch/big"
	ok "a daemon restarts on the dead one's runtime dir"
	st=$(api "$rt8" POST /v1/runs '{}')
	if [ "$st" = 202 ] && kill -0 "$child" 2>/dev/null; then
		not_ok "no second run on the image while the first goes on (202, and pid $child still runs)"
	else
		ok "no second run on the image while the first goes on ($st)"
	fi
	stop_daemon "$daemon_pid"
else
	not_ok "the run was caught running"
fi
finish
