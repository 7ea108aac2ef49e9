#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped Packer flow's shell semantics, with real Packer (Debian's 1.6.6): the "capgate flow"
# lines of packaging/packer/azure-capgate.pkr.hcl run in a null build over SSH to a throwaway sshd
# on 127.0.0.1, every command they call answered by a stub that records the call (sudo, capgate,
# systemctl, journalctl, waagent, sync; nothing touches this host). All steps passing builds, in
# order; any one step failing fails the build and nothing after it runs. The one change to the
# lines: /usr/sbin/waagent is called by name, so that the stub on PATH answers.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/packer/sshd-lib.sh"
sshd_requirements

stubs="$scratch/bin"; calls="$scratch/calls"; control="$scratch/fail"
mkdir -p "$stubs"
cat >"$stubs/sudo" <<STUB
#!/bin/sh
[ "\$1" = -E ] && shift
exec "\$@"
STUB
for cmd in capgate systemctl journalctl waagent sync; do
	cat >"$stubs/$cmd" <<STUB
#!/bin/sh
echo "$cmd \$*" >>"$calls"
fail=\$(cat "$control" 2>/dev/null)
[ -n "\$fail" ] || exit 0
case "$cmd \$*" in "\$fail"*) exit 1 ;; esac
exit 0
STUB
done
chmod 755 "$stubs"/*
# the stubs come first on the session's PATH; sudo's stub keeps it
sshd_start "$scratch/ssh" "SetEnv PATH=$stubs:/usr/bin:/bin"
# the last step's script stays in /dev/shm (skip_clean): remove the ones these builds leave
ls /dev/shm >"$scratch/shm-before" 2>/dev/null || :
trap 'kill "$sshd_pid" 2>/dev/null; ls /dev/shm | grep -vxF -f "$scratch/shm-before" | grep "^script_.*\.sh$" | sed "s|^|/dev/shm/|" | xargs -r rm -f; rm -rf --one-file-system "$scratch"' EXIT

tpl="$CAPGATE_SRC/packaging/packer/azure-capgate.pkr.hcl"
"$CAPGATE_SRC/tests/packer/template.sh" flow "$tpl" | sed 's|"/usr/sbin/waagent |"waagent |' >"$scratch/flow.hcl"
grep -q '"waagent -force -deprovision+user"' "$scratch/flow.hcl" && ok "the flow deprovisions with waagent" || not_ok "no waagent step in the flow"
mkdir "$scratch/tpl"
"$CAPGATE_SRC/tests/packer/template.sh" splice "$CAPGATE_SRC/tests/packer/flow.pkr.hcl" "$scratch/flow.hcl" >"$scratch/tpl/flow.pkr.hcl"
cp "$CAPGATE_SRC/tests/packer/loopback.pkr.hcl" "$scratch/tpl/"

# build NAME FAIL_PREFIX [TEMPLATE]: packer build with the step starting FAIL_PREFIX failing (none:
# ""); the calls in $scratch/NAME.calls, the output in $scratch/NAME.out, packer's exit code returned
build() {
	printf '%s' "$2" >"$control"
	: >"$calls"
	set +e
	packer build -color=false -var ssh_port="$port" -var ssh_key="$ssh_key" "${3:-$scratch/tpl}" \
		>"$scratch/$1.out" 2>&1
	rc=$?
	set -e
	cp "$calls" "$scratch/$1.calls"
	return $rc
}

steps='capgate wait --trigger --remediate
systemctl disable --now capgate.service capgate.socket
capgate fix --phase last
waagent -force -deprovision+user
systemctl start capgate-final.service
systemctl start capgate-seal.service
sync'
# the calls, each cut to the length of its expected step, for the first N steps
upto() { echo "$steps" | head -n "$1"; }
got() { i=0; while IFS= read -r want; do i=$((i + 1)); sed -n "${i}p" "$1" | cut -c1-${#want}; done <<E
$(upto "$2")
E
}

t0=$(date +%s%N)
if build pass ""; then ok "every step passing: the build passes"; else not_ok "every step passing: packer exit $?"; tail -20 "$scratch/pass.out" | sed 's/^/    /'; fi
echo "# one null build: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
[ "$(got "$scratch/pass.calls" 7)" = "$steps" ] && [ "$(wc -l <"$scratch/pass.calls")" -eq 7 ] &&
	ok "the steps run in order: gate, daemon off, fix --phase last, waagent, final check, seal" ||
	{ not_ok "the steps' order"; sed 's/^/    /' "$scratch/pass.calls"; }

n=0
echo "$steps" | head -n 6 | while IFS= read -r step; do
	n=$((n + 1))
	prefix=$(echo "$step" | cut -d' ' -f1-3)
	if build "step$n" "$prefix"; then
		echo "not ok - '$prefix' failing stops the build (packer passed)"; echo x >>"$scratch/failed"
	else
		echo "ok - '$prefix' failing stops the build"
	fi
	# the final check's failure prints its journal (journalctl), then stops
	grep -v '^journalctl ' "$scratch/step$n.calls" >"$scratch/step$n.steps"
	if [ "$(got "$scratch/step$n.steps" "$n")" = "$(upto "$n")" ] && [ "$(wc -l <"$scratch/step$n.steps")" -eq "$n" ]; then
		echo "ok - nothing runs after a failing '$prefix'"
	else
		echo "not ok - nothing runs after a failing '$prefix'"; sed 's/^/    /' "$scratch/step$n.calls"; echo x >>"$scratch/failed"
	fi
done
[ ! -e "$scratch/failed" ] && ok "each of the six steps decides the build" || not_ok "a failing step did not stop the build"
grep -q '^journalctl ' "$scratch/step5.calls" && ok "a blocked final check prints its findings (journalctl) into the log" ||
	not_ok "the final check's findings are not printed"
grep -q 'non-zero exit status: 1' "$scratch/step1.out" && ok "Packer saw exit 1 from the gate" || not_ok "Packer's message for the gate"

# why the block says `set -e`: without it, Packer runs the inline lines with `sh FILE` and a failing
# line is followed by the next (issue 17.1) - the deprovision ran after a failing fix
mkdir "$scratch/no-e"
sed '/^      "set -e",$/d' "$scratch/tpl/flow.pkr.hcl" >"$scratch/no-e/flow.pkr.hcl"
cp "$CAPGATE_SRC/tests/packer/loopback.pkr.hcl" "$scratch/no-e/"
if build no-e "capgate fix" "$scratch/no-e"; then
	grep -q '^waagent ' "$scratch/no-e.calls" && ok "control: without set -e a failing fix is followed by waagent and the build passes" ||
		not_ok "control: the build passed, but waagent did not run"
else
	not_ok "control: without set -e the build failed (Packer's semantics changed?)"
fi
finish
