#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Real Packer (Debian's 1.6.6): full `packer validate` of every shipped template (each with the
# same "capgate flow" lines), then a null-builder build over SSH to a throwaway sshd on 127.0.0.1
# whose shell provisioner starts capgate's daemon on a fixture image root and gates with
# `capgate wait`: a clean root builds, a dirty one fails.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
. "$CAPGATE_SRC/tests/packer/sshd-lib.sh"
sshd_requirements

# --- packer validate, not -syntax-only: every shipped template. Packer 1.6 cannot parse what 1.7
# added (`packer { required_plugins }`, error-cleanup-provisioner), so it validates each template
# without its "packer>=1.7" sections; the templates themselves carry them for current Packer
: >"$scratch/capgate.deb"
zero=00000000-0000-0000-0000-000000000000
tmpl="$CAPGATE_SRC/tests/packer/template.sh"
ref="$CAPGATE_SRC/packaging/packer/azure-capgate.pkr.hcl"
"$tmpl" flow "$ref" >"$scratch/flow.hcl" && ok "the azure template has one capgate flow section" || not_ok "capgate flow section in $ref"
n=0
for t in "$CAPGATE_SRC"/packaging/packer/*.pkr.hcl "$CAPGATE_SRC"/packaging/examples/packer/*.pkr.hcl; do
	n=$((n + 1)); name=${t#"$CAPGATE_SRC"/}
	mkdir "$scratch/v$n"
	"$tmpl" packer16 "$t" >"$scratch/v$n/t.pkr.hcl"
	grep -q required_plugins "$t" && ok "$name: required_plugins for current Packer" || not_ok "$name: no required_plugins"
	# every variable a template declares without a default, given
	vars=""
	for v in $(sed -n 's/^variable "\([a-z_]*\)".*/\1/p' "$t"); do
		case $v in
		capgate_deb) vars="$vars -var capgate_deb=$scratch/capgate.deb" ;;
		subscription_id | tenant_id | client_id) vars="$vars -var $v=$zero" ;;
		*) vars="$vars -var $v=x" ;;
		esac
	done
	# shellcheck disable=SC2086
	expect 0 "packer validate $name (without its packer>=1.7 sections)" -- packer validate $vars "$scratch/v$n/t.pkr.hcl"
	if "$tmpl" flow "$t" | cmp -s - "$scratch/flow.hcl"; then ok "$name: the capgate flow, byte for byte"; else not_ok "$name: its capgate flow differs from $ref"; fi
done
[ "$n" -ge 2 ] && ok "$n shipped templates validated" || not_ok "only $n templates found"
# the flow's order: gate, daemon off, last-phase fixes, deprovision, final check, seal
order=$(grep -n -e 'capgate wait --trigger' -e 'systemctl disable --now capgate' -e 'capgate fix --phase last' \
	-e 'waagent -force -deprovision+user' -e 'systemctl start capgate-final' -e 'systemctl start capgate-seal' \
	"$scratch/flow.hcl" | cut -d: -f1 | tr '\n' ' ')
sorted=$(echo "$order" | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
[ "$(echo "$order" | wc -w)" -eq 6 ] && [ "$order" = "$sorted" ] && ok "the flow's steps in order (lines $order)" ||
	not_ok "the flow's steps: lines '$order'"
[ "$(grep -c '"set -e",' "$scratch/flow.hcl")" -eq "$(grep -c 'inline = \[' "$scratch/flow.hcl")" ] &&
	ok "every inline script of the flow starts with set -e" || not_ok "an inline script without set -e"

# --- a throwaway sshd
sshd_start "$scratch/ssh"
trap 'kill "$sshd_pid" 2>/dev/null; cleanup_daemons; rm -rf --one-file-system "$scratch"' EXIT

# --- the fixture image roots and the gate's config (gen.* only: stable as families are added)
make_root "$scratch/clean" clean
make_root "$scratch/dirty" dirty
gen_config "$scratch/gen.json"

# build NAME ROOT: packer build; output in $scratch/NAME.out, exit code returned
build() {
	set +e
	mkdir -p "$scratch/gate"
	cp "$CAPGATE_SRC"/tests/packer/loopback.pkr.hcl "$CAPGATE_SRC"/tests/packer/gate.pkr.hcl "$CAPGATE_SRC"/tests/packer/gate.sh "$scratch/gate/"
	(cd "$scratch/gate" && packer build -color=false \
		-var ssh_port="$port" -var ssh_key="$ssh_key" -var capgate="$CAPGATE_BIN" \
		-var image_root="$2" -var runtime_dir="$scratch/rt-$1" -var config="$scratch/gen.json" \
		.) >"$scratch/$1.out" 2>&1
	rc=$?
	set -e
	return $rc
}

t0=$(date +%s%N)
if build clean "$scratch/clean"; then ok "packer build passes the gate for a clean image"; else not_ok "packer build with a clean image"; tail -20 "$scratch/clean.out" | sed 's/^/    /'; fi
echo "# clean build: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
contains "$scratch/clean.out" "capgate: ready" "the Packer log shows the ready verdict"
contains "$scratch/clean.out" "Build 'null.loopback' finished" "Packer finished the build"

t0=$(date +%s%N)
if build dirty "$scratch/dirty"; then not_ok "packer build fails for a dirty image (it passed)"; else ok "packer build fails for a dirty image"; fi
echo "# dirty build: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
contains "$scratch/dirty.out" "capgate: blocked" "the Packer log shows the blocked verdict"
contains "$scratch/dirty.out" "gen.machine-id" "the Packer log names the failing check"
contains "$scratch/dirty.out" "/etc/machine-id" "the Packer log names the path"
contains "$scratch/dirty.out" "non-zero exit status: 1" "Packer saw exit 1 from the gate"
if grep -q 4c4c4544004d3510804bb7c04f4e3232 "$scratch/dirty.out"; then not_ok "the machine id is not in the Packer log"; else ok "the machine id is not in the Packer log"; fi
# the provisioner stopped its daemon: no token left behind
[ ! -e "$scratch/rt-clean/token" ] && [ ! -e "$scratch/rt-dirty/token" ] && ok "the daemons were stopped by the provisioner" || not_ok "daemon left running"
finish
