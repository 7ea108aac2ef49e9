# SPDX-License-Identifier: Apache-2.0
# The null builder of the Packer scenarios: it logs in over SSH to the throwaway sshd on 127.0.0.1
# (tests/packer/sshd-lib.sh). Each scenario copies this file beside its build block.
variable "ssh_port" { type = number }
variable "ssh_key" { type = string }

source "null" "loopback" {
  communicator         = "ssh"
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = "root"
  ssh_private_key_file = var.ssh_key
  ssh_timeout          = "30s"
}
