# The Packer end-to-end test's template: the null builder logs in over SSH to a throwaway sshd
# on 127.0.0.1, and the shell provisioner gates the build on capgate (gate.sh).
variable "ssh_port" { type = number }
variable "ssh_key" { type = string }
variable "capgate" { type = string }
variable "image_root" { type = string }
variable "runtime_dir" { type = string }
variable "config" { type = string }

source "null" "loopback" {
  communicator         = "ssh"
  ssh_host             = "127.0.0.1"
  ssh_port             = var.ssh_port
  ssh_username         = "root"
  ssh_private_key_file = var.ssh_key
  ssh_timeout          = "30s"
}

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
