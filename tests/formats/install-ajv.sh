#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install ajv and ajv-formats from npm (once) into the test cache; prints the node_modules folder.
set -eu
dir=${CAPGATE_CACHE:-/var/cache/capgate-test}/node-ajv
if [ ! -f "$dir/.complete" ]; then
	command -v npm >/dev/null || { echo "install-ajv.sh: npm is missing" >&2; exit 77; }
	mkdir -p "$dir"
	npm install --silent --no-audit --no-fund --prefix "$dir" ajv@8 ajv-formats@3 >&2
	touch "$dir/.complete"
fi
echo "$dir/node_modules"
