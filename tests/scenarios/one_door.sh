#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The "one door" rule of DESIGN.md: only agent/image/safefs.c touches the image. Any other source file
# that calls a path-based file system function must be listed in tests/one-door-allow.txt with the
# reason it is not touching the image (the host's config, the report file, the daemon's runtime dir).
. "$(dirname "$0")/../scenario-lib.sh"
cd "$CAPGATE_SRC"
allow=tests/one-door-allow.txt
calls='(^|[^_a-z.>])(open|fopen|stat|lstat|access|opendir|unlink|rename|chmod|chown|mkdir|rmdir|truncate|readlink|realpath|symlink|link|remove|creat|lchown|utimes|utimensat)[[:space:]]*\('
for f in $(find agent checks remediate -name "*.c" | sort); do
	[ -f "$f" ] || continue
	[ "$f" = agent/image/safefs.c ] && continue
	# strip comments and strings crudely: a call named in a comment is not a call
	hits=$(sed -e 's://.*$::' -e 's:/\*.*\*/::g' -e 's/"[^"]*"//g' "$f" | grep -nE "$calls" || true)
	[ -z "$hits" ] && continue
	if grep -q "^$f:" "$allow"; then
		ok "$f calls path functions and is allowed: $(grep "^$f:" "$allow" | cut -d: -f2-)"
	else
		not_ok "$f calls path-based file functions outside safefs:"
		echo "$hits" | sed 's/^/    /'
	fi
done
finish
