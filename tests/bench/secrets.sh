#!/bin/sh
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
echo "(run part not written yet)" >&2
