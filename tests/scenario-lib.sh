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
