#!/bin/sh
# Real Packer (Debian's 1.6.6): `packer validate` of the azure-arm example, then a null-builder
# build over SSH to a throwaway sshd on 127.0.0.1 whose shell provisioner starts capgate's daemon
# on a fixture image root and gates with `capgate wait`: a clean root builds, a dirty one fails.
. "$(dirname "$0")/../scenario-lib.sh"
. "$CAPGATE_SRC/tests/daemon-lib.sh"
command -v packer >/dev/null || { echo "packer missing (apt-get install packer)"; exit 77; }
[ -x /usr/sbin/sshd ] || { echo "sshd missing (apt-get install openssh-server)"; exit 77; }
case $(sed -n 's/^root:\([^:]*\):.*/\1/p' /etc/shadow) in
	'!'*) echo "root's account is locked here; sshd (UsePAM no) refuses it"; exit 77 ;;
esac
export CHECKPOINT_DISABLE=1 HOME="$scratch/home" PACKER_CACHE_DIR="$scratch/packer-cache"
mkdir -p "$HOME"

# --- packer validate: the user-facing azure-arm template
: >"$scratch/capgate.deb"
zero=00000000-0000-0000-0000-000000000000
expect 0 "packer validate packaging/packer/azure-capgate.pkr.hcl" -- packer validate \
	-var subscription_id=$zero -var tenant_id=$zero -var client_id=$zero -var client_secret=x \
	-var resource_group=rg -var capgate_deb="$scratch/capgate.deb" "$CAPGATE_SRC/packaging/packer/azure-capgate.pkr.hcl"
grep -q 'waagent -force -deprovision+user' "$CAPGATE_SRC/packaging/packer/azure-capgate.pkr.hcl" &&
	ok "the azure template ends with waagent's deprovision" || not_ok "waagent deprovision step"

# --- a throwaway sshd: own host key, config, port; key auth for root only
ssh="$scratch/ssh"; mkdir -m 700 "$ssh"
ssh-keygen -q -t ed25519 -N '' -f "$ssh/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$ssh/client_ed25519"
cp "$ssh/client_ed25519.pub" "$ssh/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$ssh/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $ssh/host_ed25519
AuthorizedKeysFile $ssh/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
CFG
mkdir -p /run/sshd   # privilege separation directory (systemd-tmpfiles makes it on a real system)
/usr/sbin/sshd -t -f "$ssh/sshd_config"
# -D: stays in the foreground (no daemon()), so its PID is ours to stop
/usr/sbin/sshd -D -f "$ssh/sshd_config" -E "$ssh/sshd.log" &
sshd_pid=$!
i=0; while ! grep -q "Server listening" "$ssh/sshd.log" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "Server listening" "$ssh/sshd.log" || { echo "sshd did not start:"; cat "$ssh/sshd.log"; exit 1; }
trap 'kill "$sshd_pid" 2>/dev/null; cleanup_daemons; rm -rf --one-file-system "$scratch"' EXIT

# --- the fixture image roots and the gate's config (gen.* only: stable as families are added)
make_root "$scratch/clean" clean
make_root "$scratch/dirty" dirty
gen_config "$scratch/gen.json"

# build NAME ROOT: packer build; output in $scratch/NAME.out, exit code returned
build() {
	set +e
	(cd "$CAPGATE_SRC/tests/packer" && packer build -color=false \
		-var ssh_port="$port" -var ssh_key="$ssh/client_ed25519" -var capgate="$CAPGATE_BIN" \
		-var image_root="$2" -var runtime_dir="$scratch/rt-$1" -var config="$scratch/gen.json" \
		gate.pkr.hcl) >"$scratch/$1.out" 2>&1
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
