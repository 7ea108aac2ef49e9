# The shell-semantics test's template (tests/scenarios/packer_flow.sh): the null builder logs in
# over SSH to a throwaway sshd on 127.0.0.1, and the shipped "capgate flow" lines are spliced in
# place of the @CAPGATE_FLOW@ line, their commands answered by stubs (nothing runs on this host).
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

build {
  sources = ["source.null.loopback"]

  # @CAPGATE_FLOW@
}
