# SPDX-License-Identifier: Apache-2.0
# An Azure image build gated by capgate (docs/packer.md).
#
#   packer init azure-capgate.pkr.hcl      # Packer >= 1.7: fetches the azure plugin
#   packer build -var-file=azure.pkrvars.hcl -var capgate_deb=./capgate_0.1.0_amd64.deb azure-capgate.pkr.hcl
#
# Packer 1.6 (Debian 12's packer 1.6.6) has azure-arm built in and cannot parse the `packer`
# block: delete the lines between "packer>=1.7: begin" and "packer>=1.7: end".
#
# The steps between "capgate flow: begin" and "capgate flow: end" are the tested flow: the VM
# end-to-end test (tests/e2e) runs exactly these lines, and CI checks that every shipped template
# carries them unchanged. Each step fails the build when it fails (`set -e`; Packer's
# execute_command runs `sh FILE`, which ignores the options of the inline shebang).

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
variable "tenant_id" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}
variable "resource_group" { type = string }
variable "location" {
  type    = string
  default = "westeurope"
}
variable "image_name" {
  type    = string
  default = "debian-12-capgate"
}
variable "capgate_deb" {
  type        = string
  description = "the capgate .deb to install in the build VM"
}

source "azure-arm" "debian" {
  subscription_id = var.subscription_id
  tenant_id       = var.tenant_id
  client_id       = var.client_id
  client_secret   = var.client_secret

  os_type         = "Linux"
  image_publisher = "Debian"
  image_offer     = "debian-12"
  image_sku       = "12-gen2"
  location        = var.location
  vm_size         = "Standard_B2s"

  managed_image_name                = var.image_name
  managed_image_resource_group_name = var.resource_group
}

build {
  sources = ["source.azure-arm.debian"]

  # install capgate and start its daemon first: it judges what your provisioning leaves behind
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

  # ... your own provisioning goes here ...

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
