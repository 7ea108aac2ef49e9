# SPDX-License-Identifier: Apache-2.0
# The shell-semantics test's build (tests/scenarios/packer_flow.sh, with loopback.pkr.hcl beside
# it): the shipped "capgate flow" lines are spliced in place of the @CAPGATE_FLOW@ line, their
# commands answered by stubs (nothing runs on this host).
build {
  sources = ["source.null.loopback"]

  # @CAPGATE_FLOW@
}
