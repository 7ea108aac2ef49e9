#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped Packer templates, taken apart the way the tests use them:
#   template.sh flow FILE              the lines from "# capgate flow: begin" to "# capgate flow: end"
#                                      (both included), byte for byte; exit 1 when absent or unclosed
#   template.sh splice TEMPLATE FLOW   TEMPLATE with its "# @CAPGATE_FLOW@" line replaced by FLOW's lines
#   template.sh packer16 FILE          FILE without its "packer>=1.7: begin/end" sections (the
#                                      `packer { required_plugins }` block and error-cleanup-provisioner,
#                                      which Packer 1.6 cannot parse)
set -eu
case ${1:-} in
flow)
	awk '/^[ \t]*# capgate flow: begin$/ { on = 1; n++ }
	     on { print }
	     /^[ \t]*# capgate flow: end$/ { if (!on) exit 3; on = 0; done = 1 }
	     END { if (on || !done || n != 1) exit 1 }' "$2"
	;;
splice)
	awk -v flow="$3" '/^[ \t]*# @CAPGATE_FLOW@$/ { while ((getline l < flow) > 0) print l; n++; next }
	     { print }
	     END { if (n != 1) exit 1 }' "$2"
	;;
packer16)
	awk '/^[ \t]*# packer>=1\.7: begin$/ { skip = 1 }
	     !skip { print }
	     /^[ \t]*# packer>=1\.7: end$/ { skip = 0 }' "$2"
	;;
*)
	echo "usage: template.sh flow FILE | splice TEMPLATE FLOW | packer16 FILE" >&2
	exit 2
	;;
esac
