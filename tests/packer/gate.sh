#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run by Packer's shell provisioner in the "VM": start capgate's daemon against the image root,
# gate on it with `capgate wait --trigger`, stop the daemon, and hand wait's exit code to Packer
# (0 ready: the build goes on; 1 blocked or 3 error: the build fails).
set -u
mkdir -p -m 700 "$CAPGATE_RUNTIME_DIR"
"$CAPGATE" daemon --root "$IMAGE_ROOT" --listen 127.0.0.1:0 --runtime-dir "$CAPGATE_RUNTIME_DIR" \
	--config "$CAPGATE_CONFIG" </dev/null >"$CAPGATE_RUNTIME_DIR.log" 2>&1 &
pid=$!
"$CAPGATE" wait --runtime-dir "$CAPGATE_RUNTIME_DIR" --trigger --timeout "$CAPGATE_TIMEOUT"
rc=$?
kill "$pid"
wait "$pid"
echo "capgate gate: exit $rc"
exit $rc
