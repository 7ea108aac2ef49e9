#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The real VM end-to-end test (tests/e2e/run.sh): Packer's qemu builder boots Debian 12 under TCG,
# installs this build's .deb, gates the image; ready passes and is judged ready offline after
# capture, blocked fails the Packer build. Release pass only (slow_*): about 2-3 minutes.
set -eu
: "${CAPGATE_BIN:?}" "${CAPGATE_SRC:?}"
build=$(dirname "$CAPGATE_BIN")
if grep -q '^CAPGATE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "the VM installs the release package"; exit 77
fi
exec "$CAPGATE_SRC/tests/e2e/run.sh" "$build"
