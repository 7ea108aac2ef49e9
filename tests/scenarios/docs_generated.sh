#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The generated capgate(8), capgate.json(5) and bash completion cover every verb, option, format,
# check and config key that the built binary itself reports (its --help, checks), render without
# groff warnings, and the completion completes verbs, options, formats and check ids in bash.
# The committed docs/checks.md is exactly what this build generates from the check tables, and the
# hand-written reference pages name every config key, API route and verb the code has, and no other.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
gen=$(dirname "$CAPGATE_BIN")/packaging
man8="$gen/capgate.8" man5="$gen/capgate.json.5" comp="$gen/capgate.bash-completion" catalog="$gen/checks.md"
docs="$CAPGATE_SRC/docs"
for f in "$man8" "$man5" "$comp" "$catalog"; do [ -s "$f" ] || { echo "'$f' was not generated"; exit 1; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
miss() { echo "missing from $1: $2"; fail=1; }
# roff writes '-' as '\-'; compare against the text with that undone
sed 's/\\-/-/g' "$man8" >"$work/man8"
sed 's/\\-/-/g' "$man5" >"$work/man5"

verbs=$("$CAPGATE_BIN" --help | awk '/^verbs:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}')
[ -n "$verbs" ] || { echo "no verbs in capgate --help"; exit 1; }
for v in $verbs; do
	grep -q "^\.SS $v\b" "$work/man8" || miss capgate.8 "verb $v"
	grep -q "^\.B capgate $v\$" "$work/man8" || miss "capgate.8 SYNOPSIS" "verb $v"
	grep -q "local verbs='.*\b$v\b" "$comp" || miss completion "verb $v"
	# every option the verb's own --help lists
	for o in $("$CAPGATE_BIN" "$v" --help | grep -oE '^  (-[a-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
		grep -q -- "\\\\fB$o\\\\fR\|\\\\fB\\\\-\\\\-${o#--}\\\\fR\|--${o#--}" "$work/man8" || miss capgate.8 "option $o of $v"
		grep -qE "^        $v\)" "$comp" || miss completion "verb case $v"
		sed -n "/^        $v)/,/;;/p" "$comp" | grep -q -- "$o\b" || miss completion "option $o of $v"
	done
done
for id in $("$CAPGATE_BIN" checks --format json | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))'); do
	grep -qF "$id" "$work/man8" || miss capgate.8 "check $id"
	grep -qF "$id" "$work/man5" || miss capgate.json.5 "check $id"
	grep -q "local checks='.* $id\b" "$comp" || miss completion "check $id"
	grep -qxF "### \`$id\`" "$catalog" || miss checks.md "check $id"
done
for fmt in text json sarif junit; do
	grep -q "^\\\\fB$fmt\\\\fR" "$work/man8" || miss capgate.8 "format $fmt"
done
# capgate.json(5) lists the key table (config_foreach_key); the keys the README documents are there,
# and a key outside the table is rejected by the binary, so the page is the whole grammar
keys=$(sed -n 's/^\\fB\([a-z_.*]*\)\\fR (.*/\1/p' "$work/man5")
for k in profile fail_on scan.exclude scan.max_file_size checks.*.severity profiles.*.only; do
	echo "$keys" | grep -qxF "$k" || miss capgate.json.5 "key $k"
done
# every key has its prose in gendoc.c's key_text[]
grep -B1 -xF '(no description yet)' "$work/man5" | sed -n 's/^\\fB\(.*\)\\fR (.*/\1/p' | while read -r k; do
	echo "capgate.json.5: key $k has no description: add it to key_text[] in packaging/gendoc.c"; exit 1
done || fail=1

# docs/checks.md is the catalog this build generates: a check added or changed in a table without
# regenerating the page fails here
if ! cmp -s "$catalog" "$docs/checks.md"; then
	diff -u "$docs/checks.md" "$catalog" | head -40
	echo "docs/checks.md is not what the check tables generate; regenerate it:"
	echo "  $gen/capgate-gendoc checks-md $docs/checks.md"
	fail=1
fi
# docs/configuration.md: every key of config.c's table is named there, and every key in its tables
# ("| \`key\` |" rows) is one config.c knows; keys hold '*', so no globbing here
set -f
for k in $keys; do
	grep -qF "\`$k\`" "$docs/configuration.md" || miss docs/configuration.md "key $k"
done
for k in $(sed -n 's/^| `\([a-z_.*]*\)` |.*/\1/p' "$docs/configuration.md"); do
	echo "$keys" | grep -qxF "$k" || { echo "docs/configuration.md documents '$k', which config.c does not know"; fail=1; }
done
set +f
# docs/api.md: every route of the daemon's table, with its method, and no other /v1/ path
routes=$(grep -rhoE '\{"/v1/[a-z]+", "[A-Z]+"' "$CAPGATE_SRC/agent" | sed 's/[{",]//g' | sort -u)
[ -n "$routes" ] || { echo "no routes found in the daemon's sources"; exit 1; }
echo "$routes" | while read -r path method; do
	grep -q "\`$method $path\`" "$docs/api.md" || { echo "missing from docs/api.md: $method $path"; exit 1; }
done || fail=1
for p in $(grep -oE '/v1/[a-z]+' "$docs/api.md" | sort -u); do
	echo "$routes" | grep -q "^$p " || { echo "docs/api.md names $p, which the daemon does not serve"; fail=1; }
done
# docs/remediation.md: every action of the action table
actions_c=$(grep -rl 'rem_actions\[\] = {' "$CAPGATE_SRC/remediate")
actions=$(sed -n '/rem_actions\[\] = {/,/^};/p' $actions_c | sed -n 's/^[[:space:]]*{"\([a-z-]*\)", ".*/\1/p')
[ -n "$actions" ] || { echo "no actions found in $actions_c"; exit 1; }
for act in $actions; do
	grep -qF "\`$act\`" "$docs/remediation.md" || miss docs/remediation.md "action $act"
done
# README.md names every verb as a command
for v in $verbs; do
	grep -q "capgate $v\b" "$CAPGATE_SRC/README.md" || miss README.md "verb $v"
done
# README.md stays the user's page: at most 300 lines, the two commands at the top, Packer on the
# first screen
readme="$CAPGATE_SRC/README.md"
[ "$(wc -l <"$readme")" -le 300 ] || { echo "README.md has $(wc -l <"$readme") lines; reference belongs in docs/"; fail=1; }
head -20 "$readme" | grep -q '^\./scripts/demo\.sh' || miss "README.md (first 20 lines)" "./scripts/demo.sh"
head -20 "$readme" | grep -q '^\./scripts/test\.sh' || miss "README.md (first 20 lines)" "./scripts/test.sh"
head -40 "$readme" | grep -q '^## Use it in Packer' || miss "README.md (first 40 lines)" "## Use it in Packer"

mkdir -p "$work/conf"
echo '{"no_such_key": 1}' >"$work/conf/bad.json"
"$CAPGATE_BIN" scan --root "$work" --config "$work/conf/bad.json" 2>"$work/err" >/dev/null && { echo "unknown key accepted"; exit 1; }
grep -q no_such_key "$work/err"

# groff finds no problems in either page
for page in "$man8" "$man5"; do
	groff -man -ww -z "$page" 2>"$work/groff" ; [ ! -s "$work/groff" ] || { cat "$work/groff"; echo "groff warns about $page"; fail=1; }
done

# the completion works in bash: verbs, a verb's options, formats, check ids
cat >"$work/try.sh" <<EOS
. "$comp"
try() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _capgate; echo "\${COMPREPLY[*]}"; }
try capgate sc
try capgate scan --fo
try capgate scan --format ''
try capgate explain gen.m
EOS
bash "$work/try.sh" >"$work/compl"
sed -n 1p "$work/compl" | grep -qx scan || { echo "verb completion: $(sed -n 1p "$work/compl")"; fail=1; }
sed -n 2p "$work/compl" | grep -qx -- "--format" || { echo "option completion: $(sed -n 2p "$work/compl")"; fail=1; }
sed -n 3p "$work/compl" | grep -qx "text json sarif junit" || { echo "format completion: $(sed -n 3p "$work/compl")"; fail=1; }
sed -n 4p "$work/compl" | grep -qx "gen.machine-id" || { echo "check id completion: $(sed -n 4p "$work/compl")"; fail=1; }
[ "$fail" -eq 0 ] && echo "docs: ok ($(echo $verbs | wc -w) verbs, $(echo $keys | wc -w) config keys)"
exit $fail
