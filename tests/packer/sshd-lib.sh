# SPDX-License-Identifier: Apache-2.0
# A throwaway sshd on 127.0.0.1 for the Packer null-builder scenarios (sourced after
# scenario-lib.sh): its own host key, config and port; key authentication for root only.
# sshd_start DIR [CONFIG LINE]...: sets $port, $sshd_pid and $ssh_key (the client's private key).
sshd_start() {
	ssh=$1; shift
	mkdir -m 700 "$ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$ssh/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -f "$ssh/client_ed25519"
	cp "$ssh/client_ed25519.pub" "$ssh/authorized_keys"
	ssh_key=$ssh/client_ed25519
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	{
		printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\n' \
			"$port" "$ssh/host_ed25519" "$ssh/authorized_keys"
		printf 'AuthenticationMethods publickey\nPubkeyAuthentication yes\nPasswordAuthentication no\n'
		printf 'KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nAllowUsers root\n'
		printf 'UsePAM no\nStrictModes no\nSubsystem sftp internal-sftp\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$ssh/sshd_config"
	mkdir -p /run/sshd   # privilege separation directory (systemd-tmpfiles makes it on a real system)
	/usr/sbin/sshd -t -f "$ssh/sshd_config"
	# -D: stays in the foreground (no daemon()), so its PID is ours to stop
	/usr/sbin/sshd -D -f "$ssh/sshd_config" -E "$ssh/sshd.log" &
	sshd_pid=$!
	i=0; while ! grep -q "Server listening" "$ssh/sshd.log" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	grep -q "Server listening" "$ssh/sshd.log" || { echo "sshd did not start:"; cat "$ssh/sshd.log"; exit 1; }
}

# the checks every null-builder scenario needs: packer, sshd, and a root account sshd accepts
sshd_requirements() {
	command -v packer >/dev/null || { echo "packer missing (apt-get install packer)"; exit 77; }
	[ -x /usr/sbin/sshd ] || { echo "sshd missing (apt-get install openssh-server)"; exit 77; }
	case $(sed -n 's/^root:\([^:]*\):.*/\1/p' /etc/shadow) in
		'!'*) echo "root's account is locked here; sshd (UsePAM no) refuses it"; exit 77 ;;
	esac
	export CHECKPOINT_DISABLE=1 HOME="$scratch/home" PACKER_CACHE_DIR="$scratch/packer-cache"
	mkdir -p "$HOME"
}
