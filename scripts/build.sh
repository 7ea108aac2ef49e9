#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Configure and build capgate into build/ (or $1), with extra CMake flags after it.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build}
[ $# -gt 0 ] && shift
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPGATE_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
