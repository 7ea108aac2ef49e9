#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The signed callback: the daemon POSTs the final report to a receiver on 127.0.0.1 (plain HTTP,
# and HTTPS with a test CA made here by openssl), which checks X-Capgate-Signature and answers
# with failures first; retries are bounded, TLS is verified, a 4xx is not retried.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
cg=$CAPGATE_BIN
tools="$CAPGATE_SRC/tests/tools"
make_root "$scratch/dirty" dirty
secret=cb-secret-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
printf '%s\n' "$secret" >"$scratch/secret"; chmod 600 "$scratch/secret"

# receiver NAME FAIL_FIRST FAIL_CODE [https]: start one; sets $rport
receiver() {
	rm -f "$scratch/$1.port"
	if [ "${4:-}" = https ]; then
		python3 "$tools/callback_receiver.py" "$scratch/$1.port" "$scratch/$1.log" "$secret" "$2" "$3" "$scratch/tls/server.crt" "$scratch/tls/server.key" &
	else
		python3 "$tools/callback_receiver.py" "$scratch/$1.port" "$scratch/$1.log" "$secret" "$2" "$3" &
	fi
	daemon_pids="$daemon_pids $!"
	i=0; while [ ! -s "$scratch/$1.port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	rport=$(cat "$scratch/$1.port")
	: >>"$scratch/$1.log"
}

# run_with NAME URL [CA_FILE]: a daemon with that callback; one run; waits for the worker to finish
run_with() {
	ca=${3:+, \"ca_file\": \"$3\"}
	gen_config "$scratch/$1.json" ", \"callback\": {\"url\": \"$2\", \"secret_file\": \"$scratch/secret\", \"attempts\": 4, \"backoff\": \"100ms\", \"timeout\": \"3s\"$ca}"
	start_daemon "$scratch/rt-$1" --root "$scratch/dirty" --config "$scratch/$1.json"
	"$cg" wait --runtime-dir "$scratch/rt-$1" --trigger --timeout 20s >/dev/null 2>&1 || true
	# the callback runs after the verdict: wait for the daemon to say how it ended
	i=0; while ! grep -qE "report delivered|giving up" "$scratch/rt-$1.log" && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	stop_daemon "$daemon_pid"
}

# check LOG PYTHON-ASSERTION DESCRIPTION
check() {
	python3 - "$1" "$2" <<'PY' && ok "$3" || { not_ok "$3"; sed 's/^/    /' "$1"; }
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert eval(sys.argv[2]), ev
PY
}

# --- plain HTTP, two 503s first: delivered on attempt 3, signed
receiver http 2 503
run_with http "http://127.0.0.1:$rport/hook"
check "$scratch/http.log" 'len(ev) >= 3 and [e["code"] for e in ev[:3]] == [503, 503, 200]' "HTTP: retried after two 503s, delivered on the third"
check "$scratch/http.log" 'all(e["valid"] for e in ev)' "HTTP: every POST carries a valid signature"
check "$scratch/http.log" 'ev[2]["verdict"] == "blocked" and len(ev[2]["run"]) == 32 and ev[2]["type"] == "application/json"' "HTTP: the body is the final report, with the run id"
contains "$scratch/rt-http.log" "report delivered (HTTP 200, attempt 3)" "the daemon logs the delivery"

# --- a 4xx answer is final: one attempt, no retries
receiver refuse 99 400
run_with refuse "http://127.0.0.1:$rport/hook"
check "$scratch/refuse.log" 'len([e for e in ev if e["code"] == 400]) == 1' "HTTP 400 is not retried"
contains "$scratch/rt-refuse.log" "giving up" "the daemon says it gave up"

# --- bounded: a receiver that always fails gets exactly 'attempts' POSTs
receiver busy 99 503
run_with busy "http://127.0.0.1:$rport/hook"
check "$scratch/busy.log" 'len(ev) == 4' "retries stop after callback.attempts (4)"

# --- HTTPS with a test CA created now
mkdir -p "$scratch/tls" && cd "$scratch/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=capgate-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf 2>/dev/null
cd - >/dev/null
receiver tls 1 503 https
run_with tls "https://127.0.0.1:$rport/hook" "$scratch/tls/ca.crt"
check "$scratch/tls.log" 'len(ev) >= 2 and ev[1]["code"] == 200 and all(e["valid"] for e in ev)' "HTTPS with the test CA: verified, signed, delivered after a 503"

# --- HTTPS without trusting the test CA: the certificate is refused, nothing is sent
receiver untrusted 0 503 https
run_with untrusted "https://127.0.0.1:$rport/hook"
check "$scratch/untrusted.log" 'len(ev) == 0' "HTTPS with an unknown CA: no report leaves"
contains "$scratch/rt-untrusted.log" "certificate" "the daemon names the certificate problem"
# --- capgate signal on its own: a pipeline step after `capgate scan --format json`
receiver pipe 0 503
gen_config "$scratch/pipe.json" ", \"callback\": {\"secret_file\": \"$scratch/secret\", \"attempts\": 2, \"backoff\": \"100ms\"}"
"$cg" scan --root "$scratch/dirty" --config "$scratch/pipe.json" --format json >"$scratch/report.json" || true
expect 0 "capgate signal --url delivers a report from stdin" -- sh -c "'$cg' signal --config '$scratch/pipe.json' --url 'http://127.0.0.1:$rport/x' --run-id manual < '$scratch/report.json'"
check "$scratch/pipe.log" 'len(ev) == 1 and ev[0]["valid"] and ev[0]["run"] == "manual" and ev[0]["path"] == "/x"' "the signal verb signs and names the run"
expect 2 "capgate signal without a URL: 2" -- sh -c "'$cg' signal < '$scratch/report.json'"
expect 2 "capgate signal with a non-report: 2" -- sh -c "echo '{}' | '$cg' signal --url http://127.0.0.1:$rport/x"
if grep -rqF "$secret" "$scratch"/rt-*.log; then not_ok "the secret is never logged"; else ok "the secret is never logged"; fi
finish
