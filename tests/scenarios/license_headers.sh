#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every source file says its license (Apache-2.0, LICENSE) in an SPDX line near its top, and the
# packages say the same.
. "$(dirname "$0")/../scenario-lib.sh"
cd "$CAPGATE_SRC"
tag='SPDX-License-Identifier: Apache-2.0'
missing=0
for f in $(git ls-files '*.c' '*.h' '*.sh' '*.py' '*.hcl' 'CMakeLists.txt' '*/CMakeLists.txt' .ci/run 2>/dev/null); do
	case $f in tests/fixtures/*.c | tests/fixtures/*.h) continue ;; esac
	[ -f "$f" ] || continue
	if ! head -n 3 "$f" | grep -qF "$tag"; then
		missing=$((missing + 1))
		[ $missing -le 20 ] && echo "    no SPDX line: $f"
	fi
done
[ $missing = 0 ] && ok "every source file carries '$tag'" || not_ok "$missing source files lack '$tag'"
grep -q 'Apache License' LICENSE && grep -q 'Version 2.0' LICENSE && ok "LICENSE is the Apache License 2.0" || not_ok "LICENSE"
grep -q '^License: Apache-2.0' packaging/debian/copyright && ok "Debian copyright says Apache-2.0" || not_ok "Debian copyright"
grep -q '^License: *Apache-2.0' packaging/rpm/capgate.spec.in && ok "RPM spec says Apache-2.0" || not_ok "RPM spec"
finish
