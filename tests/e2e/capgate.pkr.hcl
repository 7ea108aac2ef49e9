# The image build capgate gates, run for real: Packer 1.6's qemu builder boots the cached Debian 12
# disk under TCG with systemd as PID 1, installs the capgate .deb, starts capgate.service, plants a
# build's leftovers, runs the gate, runs the final check, and shuts down so the disk is captured.
# Every forwarded port is on 127.0.0.1 (the builder's default binds all host addresses).

variable "vmdir" {
  type        = string
  description = "folder from mkimage.sh: disk.img, vmlinuz, initrd.img, id_ed25519"
}
variable "deb" { type = string }
variable "scenario" {
  type        = string
  description = "ready: leftovers that have safe fixes; blocked: also one that has none"
}
variable "output_dir" { type = string }
variable "serial_log" { type = string }
variable "start_command" {
  type    = string
  default = "systemctl start capgate.service && systemctl is-active capgate.service"
}
variable "config" {
  type        = string
  description = "capgate configuration for the image, installed as /etc/capgate/conf.d/50-e2e.json"
}
variable "gate_command" {
  type    = string
  # on failure the daemon's journal (what each action did) goes to the build log
  default = "capgate wait --trigger --remediate --timeout 10m || { rc=$?; journalctl -u capgate.service --no-pager -n 60; exit $rc; }"
}
# after the gate: the daemon is stopped and stays off in the image; the last phase (build-user
# access, host keys) is fixed only now; then capgate-final.service judges, read-only, what will be
# captured
variable "final_command" {
  type    = string
  default = "systemctl disable --now capgate.service capgate.socket && capgate fix --phase last && systemctl start capgate-final.service && systemctl start capgate-seal.service"
}

source "qemu" "debian" {
  iso_url          = "${var.vmdir}/disk.img"
  iso_checksum     = "none"
  disk_image       = true
  format           = "raw"
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  accelerator      = "tcg"
  cpus             = 2
  memory           = 1024
  disk_size        = "2048M" # the builder's default would grow the copy to 40 GiB
  headless         = true
  vnc_bind_address = "127.0.0.1"
  host_port_min    = 2300
  host_port_max    = 2399
  boot_wait        = "1s"
  qemuargs = [
    # every feature TCG can emulate: the builder's default model (qemu64) has no SSE4.2, which
    # Vectorscan (the secrets content scan) requires, as every real x86-64 cloud VM has it
    ["-cpu", "max"],
    ["-kernel", "${var.vmdir}/vmlinuz"],
    ["-initrd", "${var.vmdir}/initrd.img"],
    ["-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0"],
    ["-serial", "file:${var.serial_log}"],
    ["-netdev", "user,id=user.0,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22"],
  ]
  communicator         = "ssh"
  ssh_host             = "127.0.0.1"
  ssh_username         = "root"
  ssh_private_key_file = "${var.vmdir}/id_ed25519"
  ssh_timeout          = "10m"
  shutdown_command     = "systemctl poweroff"
  shutdown_timeout     = "3m"
  output_directory     = var.output_dir
  vm_name              = "disk.img"
}

build {
  sources = ["source.qemu.debian"]

  provisioner "file" {
    source      = var.deb
    destination = "/tmp/capgate.deb"
  }
  provisioner "file" {
    source      = var.config
    destination = "/tmp/capgate-e2e.json"
  }

  # install the package as a user would, and start the daemon
  provisioner "shell" {
    inline = [
      "set -e",
      "systemctl is-system-running --wait || true",
      "test \"$(cat /proc/1/comm)\" = systemd",
      "dpkg -i /tmp/capgate.deb",
      "rm -f /tmp/capgate.deb",
      "install -D -m 0644 /tmp/capgate-e2e.json /etc/capgate/conf.d/50-e2e.json && rm -f /tmp/capgate-e2e.json",
      "capgate version",
      "${var.start_command}",
    ]
  }

  # what a real build leaves behind (plant.sh); the blocked scenario adds one without a safe fix
  provisioner "shell" {
    environment_vars = ["SCENARIO=${var.scenario}"]
    script           = "${path.root}/plant.sh"
  }

  # the gate: exits non-zero, and so fails this build, unless the image is ready
  provisioner "shell" {
    inline = ["${var.gate_command}"]
  }

  provisioner "shell" {
    inline = ["${var.final_command}"]
  }
}
