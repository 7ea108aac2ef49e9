# An Azure image build gated by capgate (Packer >= 1.7 with the azure plugin).
# Flow: install capgate -> start its daemon -> your provisioning -> gate (remediate, re-check, fail the
# build unless ready) -> fetch the SARIF/JUnit reports -> last-phase fixes -> waagent deprovision ->
# final check -> capture.
packer {
  required_plugins {
    azure = {
      source  = "github.com/hashicorp/azure"
      version = ">= 2.0.0"
    }
  }
}

variable "subscription_id" { type = string }
variable "resource_group" { type = string }
variable "capgate_deb" {
  type        = string
  description = "path of the capgate .deb on the build agent"
}
variable "report_dir" {
  type    = string
  default = "capgate-reports"
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
      "apt-get install -y /tmp/capgate.deb && rm -f /tmp/capgate.deb",
      "systemctl start capgate.service",
    ]
  }

  # ... your own provisioning here ...

  # The gate: remediate what has a safe fix, re-check, exit non-zero (failing the build) unless
  # ready. The reports go to /run (tmpfs), so they are not captured into the image.
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline = [
      "install -d -m 0755 /run/capgate-report",
      # the reports are the gate's own run (not a fresh scan, which would count the checks the
      # gate leaves for the last phase as failures): the same verdict as the exit code
      "rc=0; capgate wait --trigger --remediate --timeout 15m --format sarif --output /run/capgate-report/capgate.sarif --format junit --output /run/capgate-report/capgate.junit.xml --format json --output /run/capgate-report/capgate.json || rc=$?",
      "chmod 0644 /run/capgate-report/* || true",
      "exit $rc",
    ]
  }
  provisioner "file" {
    direction   = "download"
    source      = "/run/capgate-report/"
    destination = "${var.report_dir}/"
  }
  # when the gate fails, still bring the reports home for the pipeline to publish
  error-cleanup-provisioner "file" {
    direction   = "download"
    source      = "/run/capgate-report/"
    destination = "${var.report_dir}/"
  }

  # last steps, in one script (the SSH session outlives the build user): stop the daemon for good,
  # fix what may only go last (build-user access, host keys), generalize with waagent, and run
  # capgate's read-only final check on what will be captured; a blocked image fails the build here
  provisioner "shell" {
    execute_command = "chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'"
    inline_shebang  = "/bin/sh -ex"
    inline = [
      "systemctl disable --now capgate.service capgate.socket",
      "capgate fix --phase last",
      "/usr/sbin/waagent -force -deprovision+user",
      "systemctl start capgate-final.service || { journalctl -u capgate-final --no-pager; exit 1; }",
      "export HISTSIZE=0 && sync",
    ]
  }
}
