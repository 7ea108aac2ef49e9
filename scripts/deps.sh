#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install the Debian 12 packages capgate needs to build and test, only those missing.
set -eu
pkgs="build-essential cmake pkg-config libsystemd-dev libcurl4-openssl-dev libssl-dev libjansson-dev
check libmicrohttpd-dev libvectorscan-dev libarchive-dev libyaml-dev libmount-dev librpm-dev libsolv-dev libsolvext-dev libexpat1-dev debootstrap util-linux openssl curl"
if [ "${1:-}" = "--test" ]; then
	pkgs="$pkgs $(sed -e 's/#.*//' "$(dirname "$0")/test-packages.txt")"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	if [ "$(id -u)" != 0 ]; then echo "deps: run as root to install:$missing" >&2; exit 2; fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || true
	apt-get install -y -q --no-install-recommends $missing >&2
fi
