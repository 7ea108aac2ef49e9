# SPDX-License-Identifier: Apache-2.0
# The Packer end-to-end test's build (with loopback.pkr.hcl beside it): the shell provisioner
# gates the build on capgate (gate.sh).
variable "capgate" { type = string }
variable "image_root" { type = string }
variable "runtime_dir" { type = string }
variable "config" { type = string }

build {
  sources = ["source.null.loopback"]

  provisioner "shell" {
    environment_vars = [
      "CAPGATE=${var.capgate}",
      "IMAGE_ROOT=${var.image_root}",
      "CAPGATE_RUNTIME_DIR=${var.runtime_dir}",
      "CAPGATE_CONFIG=${var.config}",
      "CAPGATE_TIMEOUT=60s",
    ]
    script = "gate.sh"
  }
}
