# SPDX-License-Identifier: Apache-2.0
# Helpers for the daemon scenarios (sourced after scenario-lib.sh): fixture roots, a daemon on an
# ephemeral loopback port, curl with the token.
export CAPGATE_CONFDIR="$scratch/noconf"   # never the host's /etc/capgate
daemon_pids=""
cleanup_daemons() {
	for p in $daemon_pids; do kill "$p" 2>/dev/null || true; done
	for p in $daemon_pids; do wait "$p" 2>/dev/null || true; done
}
trap 'cleanup_daemons; rm -rf --one-file-system "$scratch"' EXIT

# make_root DIR clean|dirty: a small image tree; dirty has a filled machine-id (gen.machine-id, high)
make_root() {
	mkdir -p "$1/etc" "$1/root" "$1/tmp" "$1/var/tmp"
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$1/etc/passwd"
	if [ "$2" = dirty ]; then echo 4c4c4544004d3510804bb7c04f4e3232 >"$1/etc/machine-id"; else : >"$1/etc/machine-id"; fi
}

# only the gen.* family, so checks landing later in other families do not change these verdicts
gen_config() {
	printf '{"profile": "gen", "profiles": {"gen": {"only": ["gen.*"]}}%s}\n' "${2:-}" >"$1"
}

# start_daemon RUNTIME_DIR ARGS...: run the daemon in the background on 127.0.0.1:0 unless ARGS
# has --listen; wait until it wrote its url; sets $daemon_pid and $url
start_daemon() {
	rt=$1; shift
	mkdir -p "$rt"; chmod 700 "$rt"
	case " $* " in *" --listen "*) listen="" ;; *) listen="--listen 127.0.0.1:0" ;; esac
	# shellcheck disable=SC2086
	"$CAPGATE_BIN" daemon --runtime-dir "$rt" $listen "$@" 2>>"$rt.log" &
	daemon_pid=$!
	daemon_pids="$daemon_pids $daemon_pid"
	i=0
	while [ ! -s "$rt/url" ]; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$daemon_pid" 2>/dev/null; then echo "daemon did not start:"; cat "$rt.log"; return 1; fi
		sleep 0.05
	done
	url=$(cat "$rt/url")
}

stop_daemon() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# api RUNTIME_DIR METHOD PATH [BODY]: prints the HTTP status; the body goes to $scratch/body
api() {
	u=$(cat "$1/url")
	set -- "$1" "$2" "$3" "${4:-}"
	if [ -n "$4" ]; then
		curl -s -o "$scratch/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $(cat "$1/token")" --data "$4" "$u$3"
	else
		curl -s -o "$scratch/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $(cat "$1/token")" "$u$3"
	fi
}

# is NAME GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; sed 's/^/    /' "$scratch/body" 2>/dev/null | head -3; fi; }

# wait_state RUNTIME_DIR: poll status until the run is over; prints the final state
wait_state() {
	i=0
	while :; do
		api "$1" GET /v1/status >/dev/null
		s=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$scratch/body")
		case $s in running|idle) ;; *) echo "$s"; return 0 ;; esac
		i=$((i + 1)); [ $i -lt 1200 ] || { echo timeout; return 0; }
		sleep 0.05
	done
}
