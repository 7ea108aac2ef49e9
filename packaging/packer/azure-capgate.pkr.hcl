# An Azure image build gated by capgate (Packer 1.6+ HCL2; azure-arm is built into Debian's
# packer 1.6.6 — newer Packer needs a required_plugins block for azure, see README).
#
# Order matters: capgate judges (and with --remediate cleans) the image while Packer's SSH
# session is alive, the final check runs once more read-only, and waagent's deprovision comes
# last because it deletes the SSH user Packer is logged in as.
#
#   packer build -var-file=azure.pkrvars.hcl -var capgate_deb=./capgate_0.1.0_amd64.deb azure-capgate.pkr.hcl

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
variable "capgate_timeout" {
  type    = string
  default = "10m"
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

  # your own provisioning goes here

  provisioner "file" {
    source      = var.capgate_deb
    destination = "/tmp/capgate.deb"
  }

  # the gate: start the daemon, run the checks with remediation, fail the build when blocked.
  # `capgate wait` exits 0 ready, 1 blocked (findings printed into the Packer log), 3 error.
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "apt-get install -y /tmp/capgate.deb && rm -f /tmp/capgate.deb",
      "systemctl start capgate.service",
      "capgate wait --trigger --remediate --profile azure --timeout ${var.capgate_timeout}",
      "systemctl disable --now capgate.service capgate.socket",
      # read-only final judgement; its verdict stays in the image's journal (capgate-final)
      "systemctl start capgate-final.service",
    ]
  }

  # generalize: last, since it removes the user Packer is logged in as
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline          = ["/usr/sbin/waagent -force -deprovision+user && export HISTSIZE=0 && sync"]
    inline_shebang  = "/bin/sh -x"
  }
}
