#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark of the secrets.* content scan (run by hand, not by ctest): read-everything vs capgate
# vs ripgrep 13 on a ~2.5 GB / ~150k-file tree and on the stock rootfs, warm page cache.
#   tests/bench/secrets.sh [BUILD_DIR]        build dir with the capgate binary (default: build)
#   tests/bench/secrets.sh --tree-only        only build (and cache) the trees
# Trees are cached under $CAPGATE_CACHE (default /var/cache/capgate-test); delete to rebuild.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
cache=${CAPGATE_CACHE:-/var/cache/capgate-test}
big="$cache/bench-secrets"
runs=${RUNS:-5}
tree_only=false
build="$src/build"
case "${1:-}" in
	--tree-only) tree_only=true ;;
	"") ;;
	*) build=$1 ;;
esac

rootfs=$("$src/tests/fixtures/rootfs.sh")

# ---- the big tree: rootfs + application payloads + planted secrets ----
plant() {
	# fake secrets, random and assembled at run time so no real-looking value sits in the repo
	r() { tr -dc "$1" </dev/urandom | head -c "$2"; }
	d="$1"
	mkdir -p "$d/root/.aws" "$d/opt/app" "$d/home/builder/.ssh" "$d/etc/ssl/private" "$d/home/builder"
	printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
		"AKIA$(r 'A-Z2-7' 16)" "$(r 'A-Za-z0-9/+' 40)" >"$d/root/.aws/credentials"
	{
		printf 'GITHUB_TOKEN=%s\n' "ghp_$(r 'A-Za-z0-9' 36)"
		printf 'SLACK_BOT_TOKEN=%s\n' "xoxb-$(r 0-9 12)-$(r 0-9 13)-$(r A-Za-z0-9 24)"
		printf 'AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=benchacct;AccountKey=%s==;EndpointSuffix=core.windows.net\n' "$(r 'A-Za-z0-9+/' 86)"
		printf 'MAPS_KEY=%s\n' "AIza$(r 'A-Za-z0-9_-' 35)"
		printf 'DB_PASSWORD=%s\n' "$(r 'A-Za-z0-9!#%' 20)"
	} >"$d/opt/app/.env"
	printf '//registry.npmjs.org/:_authToken=%s\n' "npm_$(r 'A-Za-z0-9' 36)" >"$d/home/builder/.npmrc"
	printf 'token: %s.%s.%s\n' "eyJhbGciOiJIUzI1NiJ9" "eyJzdWIiOiJiZW5jaCI$(r 'A-Za-z0-9_-' 20)" "$(r 'A-Za-z0-9_-' 43)" >>"$d/opt/app/session.yaml"
	ssh-keygen -q -t ed25519 -N '' -C bench -f "$d/home/builder/.ssh/id_ed25519"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/etc/ssl/private/bench.key" 2>/dev/null
}

build_big() {
	[ -f "$big/.complete" ] && return 0
	echo "bench: building $big (once; takes several minutes)" >&2
	rm -rf "$big.tmp"
	mkdir -p "$big.tmp"
	cp -a "$rootfs" "$big.tmp/rootfs"
	# an application with its npm dependencies, from the npm registry
	mkdir -p "$big.tmp/srv/app"
	(cd "$big.tmp/srv/app" && npm init -y >/dev/null &&
		npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
			aws-sdk googleapis typescript next react react-dom webpack @babel/core eslint lodash \
			moment rxjs @angular/core express @azure/storage-blob @azure/identity >&2)
	# python libraries and documentation copied from this machine
	mkdir -p "$big.tmp/usr-copy/lib" "$big.tmp/usr-copy/share"
	for p in /usr/lib/python3 /usr/lib/python3.*; do
		[ -d "$p" ] && cp -a "$p" "$big.tmp/usr-copy/lib/"
	done
	for p in doc man perl perl5 vim locale; do
		[ -d "/usr/share/$p" ] && cp -a "/usr/share/$p" "$big.tmp/usr-copy/share/"
	done
	cp -a /usr/include "$big.tmp/usr-copy/include"
	plant "$big.tmp/rootfs"
	rm -rf "$big"
	mv "$big.tmp" "$big"
	touch "$big/.complete"
}

# second stage: more application payload to reach ~2.5 GB / ~150k files
build_big2() {
	[ -f "$big/.complete2" ] && return 0
	rm -rf "$big/srv/web"
	mkdir -p "$big/srv/web"
	(cd "$big/srv/web" && npm init -y >/dev/null &&
		npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
			@aws-sdk/client-s3 @google-cloud/storage firebase three @mui/material rollup vite jest \
			mocha prettier sass core-js @nestjs/core @nestjs/common typeorm pg mysql2 >&2)
	cp -a /usr/share/doc "$big/usr-copy/share/doc2"
	touch "$big/.complete2"
}

build_big
build_big2
[ "$tree_only" = true ] && { du -sh "$big"; find "$big" -type f | wc -l; exit 0; }

# ---- tools: the read-everything yardstick and the pattern list ----
bin="$cache/bench-bin"
mkdir -p "$bin"
cat >"$bin/readall.c" <<'C'
/* The I/O limit: one thread, fts walk without following links, read(2) of every regular file
 * into one 1 MiB buffer. Prints files and bytes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <fts.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static char buf[1 << 20];
	char *roots[] = {argv[1], NULL};
	FTS *f = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	FTSENT *e;
	unsigned long long files = 0, bytes = 0;
	while ((e = fts_read(f))) {
		if (e->fts_info != FTS_F)
			continue;
		int fd = open(e->fts_accpath, O_RDONLY | O_NOFOLLOW | O_NOATIME | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			bytes += (unsigned long long)n;
		close(fd);
		files++;
	}
	fts_close(f);
	printf("%llu %llu\n", files, bytes);
	return 0;
}
C
cc -O2 -o "$bin/readall" "$bin/readall.c"
cat >"$bin/patterns.c" <<'C'
/* capgate's secrets.* patterns, one per line, in ripgrep syntax. */
#include "secretrules.h"
#include <stdio.h>
int main(void)
{
	for (size_t i = 0; i < secret_nrules; i++)
		if (secret_rules[i].owner != SO_HELPER)
			printf("%s%s\n", secret_rules[i].caseless ? "(?i)" : "", secret_rules[i].pattern);
	return 0;
}
C
cc -D_GNU_SOURCE -I"$src/agent/base" -I"$src/checks/parse" -o "$bin/patterns" "$bin/patterns.c" \
	"$src/checks/parse/secretrules.c" "$src/checks/parse/secretkeys.c" "$src/checks/parse/secretassign.c" "$src/agent/base/util.c" "$src/agent/base/redact.c" -lcrypto
# ripgrep is line-oriented and refuses a literal newline: "(\n|^)" (a line start in
# Vectorscan's stream) is "^" to it
"$bin/patterns" | sed 's/(\\n|^)/^/g' >"$bin/patterns.txt"
command -v rg >/dev/null || apt-get install -y -q ripgrep >&2
capgate="$build/capgate"
[ -x "$capgate" ] || { echo "bench: no capgate binary at $capgate (build first)" >&2; exit 2; }

# time CMD...: prints "wall_seconds peak_rss_kib cpu_seconds" (GNU time), command output discarded
timeit() {
	/usr/bin/time -f "%e %M %U %S" -o "$bin/time.out" "$@" >/dev/null 2>"$bin/cmd.err" || true
	tail -n1 "$bin/time.out" | awk '{print $1, $2, $3 + $4}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

bench_tree() {
	name=$1 tree=$2
	set -- $("$bin/readall" "$tree")
	files=$1 bytes=$2
	# warm the page cache, then alternate the three so drift hits each alike
	"$bin/readall" "$tree" >/dev/null
	: >"$bin/r.t"; : >"$bin/c.t"; : >"$bin/g.t"; : >"$bin/r.m"; : >"$bin/c.m"; : >"$bin/g.m"
	: >"$bin/r.u"; : >"$bin/c.u"; : >"$bin/g.u"
	i=0
	while [ $i -lt "$runs" ]; do
		set -- $(timeit "$bin/readall" "$tree"); echo "$1" >>"$bin/r.t"; echo "$2" >>"$bin/r.m"; echo "$3" >>"$bin/r.u"
		set -- $(timeit "$capgate" scan --root "$tree" --only 'secrets.*' --format json --output /dev/null)
		echo "$1" >>"$bin/c.t"; echo "$2" >>"$bin/c.m"; echo "$3" >>"$bin/c.u"
		set -- $(timeit rg --no-config -uuu --no-unicode -f "$bin/patterns.txt" "$tree")
		echo "$1" >>"$bin/g.t"; echo "$2" >>"$bin/g.m"; echo "$3" >>"$bin/g.u"
		i=$((i + 1))
	done
	r=$(median <"$bin/r.t"); c=$(median <"$bin/c.t"); g=$(median <"$bin/g.t")
	ru=$(median <"$bin/r.u"); cu=$(median <"$bin/c.u"); gu=$(median <"$bin/g.u")
	rm_=$(sort -n "$bin/r.m" | tail -n1); cm=$(sort -n "$bin/c.m" | tail -n1); gm=$(sort -n "$bin/g.m" | tail -n1)
	awk -v n="$name" -v f="$files" -v b="$bytes" -v r="$r" -v c="$c" -v g="$g" -v rm="$rm_" -v cm="$cm" -v gm="$gm" -v ru="$ru" -v cu="$cu" -v gu="$gu" 'BEGIN {
		printf "\n%s: %d files, %.0f MB (median of %d runs, warm cache)\n", n, f, b / 1e6, '"$runs"'
		printf "| tool | wall s | MB/s | x read-everything | CPU s (user+sys) | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|\n"
		printf "| read-everything (C, 1 thread, read(2) 1 MiB) | %.3f | %.0f | 1.00 | %.2f | %.1f |\n", r, b / 1e6 / r, ru, rm / 1024
		printf "| capgate scan --only secrets.* | %.3f | %.0f | %.2f | %.2f | %.1f |\n", c, b / 1e6 / c, c / r, cu, cm / 1024
		printf "| ripgrep 13 -uuu --no-unicode -f patterns | %.3f | %.0f | %.2f | %.2f | %.1f |\n", g, b / 1e6 / g, g / r, gu, gm / 1024
		printf "capgate vs ripgrep: %.2fx faster; load average at the end: ", g / c
	}'
	cut -d' ' -f1-3 /proc/loadavg
}

echo "patterns: $(wc -l <"$bin/patterns.txt") (from checks/parse/secretrules.c); rg flags: --no-config -uuu --no-unicode -f"
echo "capgate: $("$capgate" version 2>/dev/null | head -n1); workers = nproc = $(nproc)"
bench_tree "big tree ($big)" "$big"
bench_tree "stock rootfs ($rootfs)" "$rootfs"
