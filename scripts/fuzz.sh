#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The exploratory fuzz pass (libFuzzer, clang): every target for a time box, figures per target.
# Not part of scripts/test.sh, whose answer must not depend on what a time-boxed search happens to
# find. Run it before resolving work that touches a parser or the API; commit each find, once fixed,
# to tests/fuzz/regress/TARGET/ (the suite replays that folder in every build).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET|all]
# CAPGATE_FUZZ_SEED (default 1) fixes the seed, so a run is reproducible on the same code.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh" --test
secs=${1:-${CAPGATE_FUZZ_SECONDS:-15}}
exec "$src/tests/fuzz/run.sh" "${2:-all}" "$secs" "$src/build-fuzz"
