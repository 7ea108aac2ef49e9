# SPDX-License-Identifier: Apache-2.0
# The image build capgate gates, run for real: Packer 1.6's qemu builder boots the cached Debian 12
# disk under TCG with systemd as PID 1 and logs in as the waagent-provisioned 'packer' user (as on
# Azure), installs the capgate .deb, starts capgate.service, plants a build's leftovers, and then
# runs capgate's shipped flow: run.sh puts the lines between "capgate flow: begin" and "capgate flow:
# end" of packaging/packer/azure-capgate.pkr.hcl, unchanged, in place of the @CAPGATE_FLOW@ line.
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
variable "live_report" {
  type        = string
  description = "where the live azure.* report of the booted image is downloaded to"
}
variable "serial_log" { type = string }

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
    # the Azure agent is installed and enabled as on Azure, but must not run here (it would look
    # for the wireserver): masked for this boot only, so the captured disk keeps it enabled
    ["-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0 systemd.mask=walinuxagent.service"],
    ["-serial", "file:${var.serial_log}"],
    ["-netdev", "user,id=user.0,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22"],
  ]
  communicator         = "ssh"
  ssh_host             = "127.0.0.1"
  ssh_username         = "packer"
  ssh_private_key_file = "${var.vmdir}/id_ed25519"
  ssh_timeout          = "10m"
  # On Azure the builder powers the VM off through the API. Here Packer must ask over SSH, as the
  # 'packer' user that waagent has deleted by then (no sudo): it leaves a mark that the root
  # watcher the install step started turns into `systemctl poweroff`
  shutdown_command     = "touch /dev/shm/capgate-e2e-poweroff"
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

  # install the package as the shipped template does, and start the daemon
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "set -e",
      "systemctl is-system-running --wait || true",
      "test \"$(cat /proc/1/comm)\" = systemd",
      "apt-get install -y /tmp/capgate.deb",
      "rm -f /tmp/capgate.deb",
      "systemctl start capgate.service",
      # the test's stand-in for the builder's power-off API call (see shutdown_command)
      "systemd-run --quiet --unit=capgate-e2e-poweroff sh -c 'while [ ! -e /dev/shm/capgate-e2e-poweroff ]; do sleep 1; done; systemctl poweroff'",
    ]
  }

  # what a real build leaves behind (plant.sh); the blocked scenario adds one without a safe fix
  provisioner "shell" {
    execute_command  = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    environment_vars = ["SCENARIO=${var.scenario}"]
    script           = "${path.root}/plant.sh"
  }

  # the booted image judged live, azure.* only, read-only; run.sh compares it with the offline
  # verdict of the captured disk (the report lives in /dev/shm, never captured)
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "capgate scan --only 'azure.*' --format json --output /dev/shm/capgate-azure-live.json || test $? -le 1",
    ]
  }
  provisioner "file" {
    direction   = "download"
    source      = "/dev/shm/capgate-azure-live.json"
    destination = var.live_report
  }

  # @CAPGATE_FLOW@
}
