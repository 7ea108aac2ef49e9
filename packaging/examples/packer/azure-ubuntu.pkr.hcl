# SPDX-License-Identifier: Apache-2.0
# An Azure image build of Ubuntu 22.04 gated by capgate, for the CI examples (docs/packer.md).
#
#   packer init azure-ubuntu.pkr.hcl && packer build -var subscription_id=... -var resource_group=... \
#     -var capgate_deb=./capgate_0.1.0_amd64.deb azure-ubuntu.pkr.hcl
#
# Packer 1.6 (azure-arm built in) cannot parse the `packer` block: delete the lines between
# "packer>=1.7: begin" and "packer>=1.7: end". The lines between "capgate flow: begin" and
# "capgate flow: end" are packaging/packer/azure-capgate.pkr.hcl's, unchanged (CI compares them):
# the gate, then the last steps, each failing the build when it fails.

# packer>=1.7: begin
packer {
  required_plugins {
    azure = {
      source  = "github.com/hashicorp/azure"
      version = ">= 2.0.0"
    }
  }
}
# packer>=1.7: end

variable "subscription_id" { type = string }
variable "resource_group" { type = string }
variable "capgate_deb" {
  type        = string
  description = "path of the capgate .deb on the build agent"
}
variable "report_dir" {
  type        = string
  default     = "capgate-reports"
  description = "where the pipeline looks for capgate's SARIF and JUnit reports"
}

source "azure-arm" "ubuntu" {
  use_azure_cli_auth                = true
  subscription_id                   = var.subscription_id
  managed_image_resource_group_name = var.resource_group
  managed_image_name                = "golden-ubuntu-{{timestamp}}"
  os_type                           = "Linux"
  image_publisher                   = "Canonical"
  image_offer                       = "0001-com-ubuntu-server-jammy"
  image_sku                         = "22_04-lts-gen2"
  location                          = "westeurope"
  vm_size                           = "Standard_D2s_v5"
}

build {
  sources = ["source.azure-arm.ubuntu"]

  provisioner "file" {
    source      = var.capgate_deb
    destination = "/tmp/capgate.deb"
  }
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "set -e",
      "apt-get install -y /tmp/capgate.deb",
      "rm -f /tmp/capgate.deb",
      "systemctl start capgate.service",
    ]
  }

  # ... your own provisioning here ...

  # capgate flow: begin
  # The gate: remediate what has a safe fix, check again, and fail the build unless the image is
  # ready. `capgate wait` exits 0 ready, 1 blocked (the findings are in this log), 3 error. What
  # only the last step may fix (the build user's access, host keys) is judged there.
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "set -e",
      "capgate wait --trigger --remediate --timeout 15m",
    ]
  }

  # The last steps, in one script, because the build user Packer is logged in as is gone when it
  # ends: turn the daemon off for good; fix what must go last (the build user's keys and sudoers
  # lines, host keys); generalize (waagent deletes the provisioned user and its own state); judge
  # what will be captured, read-only (capgate-final; a blocked image fails the build here, and its
  # findings are printed); arm capgate-seal, which clears what the capture shutdown writes.
  # The script lives in /dev/shm (never captured) and stays there: Packer cannot log in to clean up.
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    remote_folder   = "/dev/shm"
    skip_clean      = true
    inline = [
      "set -e",
      "systemctl disable --now capgate.service capgate.socket",
      "capgate fix --phase last",
      "/usr/sbin/waagent -force -deprovision+user",
      "systemctl start capgate-final.service || { journalctl -u capgate-final.service --no-pager -o cat -n 300; exit 1; }",
      "systemctl start capgate-seal.service",
      "sync",
    ]
  }
  # capgate flow: end
}
