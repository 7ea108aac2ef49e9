# SPDX-License-Identifier: Apache-2.0
# Shared helpers for scenario scripts (sourced, not run).
set -eu
: "${CAPGATE_BIN:?CAPGATE_BIN must point at the capgate binary}"
: "${CAPGATE_SRC:?CAPGATE_SRC must point at the source tree}"
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/capgate-scenario.XXXXXX")
trap 'rm -rf --one-file-system "$scratch"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $1"; }
# expect CODE DESCRIPTION -- COMMAND...: run COMMAND, compare its exit code
expect() {
	want=$1; desc=$2; shift 3
	set +e; "$@" >"$scratch/out" 2>"$scratch/err"; got=$?; set -e
	if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc (exit $got, wanted $want)"; sed 's/^/    /' "$scratch/err" | head -5; fi
}
# contains FILE TEXT DESCRIPTION
contains() {
	if grep -qF -- "$2" "$1"; then ok "$3"; else not_ok "$3 (no '$2' in $1)"; sed 's/^/    /' "$1" | head -5; fi
}
# snapshot DIR: a listing with modes, owners, sizes, mtimes, ctimes and content hashes
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %C@ %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}
finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" = 0 ]
}
# finding JSON CHECK PATH [RULE]: the report JSON names a finding of CHECK at PATH (and RULE)
finding() {
	if python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = sys.argv[2:]
for c in d["checks"]:
    for f in c["findings"]:
        if c["id"] == want[0] and f["path"] == want[1] and (len(want) < 3 or f.get("rule") == want[2]):
            sys.exit(0)
sys.exit(1)
PY
	then ok "$2 at $3"; else not_ok "$2 has no finding at $3${4:+ (rule $4)}"; fi
}
# status_is JSON CHECK STATUS [WORD]: CHECK has STATUS, and its skip reason contains WORD
status_is() {
	if python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["id"] == sys.argv[2]]
sys.exit(0 if c and c[0]["status"] == sys.argv[3] and (len(sys.argv) < 5 or sys.argv[4] in c[0].get("reason", "")) else 1)
PY
	then ok "$2 is $3"; else not_ok "$2 is not $3${4:+ (reason with '$4')}"; fi
}
# no_finding JSON CHECK PATH: the report has no finding of CHECK at PATH
no_finding() {
	if python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(1 if any(c["id"] == sys.argv[2] and f["path"] == sys.argv[3] for c in d["checks"] for f in c["findings"]) else 0)
PY
	then ok "no $2 finding at $3"; else not_ok "$2 reports $3"; fi
}
# skips_ok JSON: no check errored, and no check skipped for want of Debian's data (dpkg, APT,
# distro-info) on another family: such a skip must say the family does not apply
skips_ok() {
	if python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(c["id"], c["status"], c.get("reason", "")) for c in d["checks"]
       if c["status"] == "error" or (c["status"] == "skip" and "does not apply to this family" not in c.get("reason", "")
                                      and any(w in c.get("reason", "") for w in ("dpkg", "Debian", "APT")))]
for b in bad:
    print("    ", *b)
sys.exit(1 if bad else 0)
PY
	then ok "no check errored; no Debian-only skip on another family"; else not_ok "checks errored or skipped for a Debian-only reason"; fi
}
