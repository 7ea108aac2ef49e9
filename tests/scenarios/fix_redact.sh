#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Issue 14, "done when": on a copy of the stock Debian 12 rootfs whose build user was removed with
# userdel (home left), `capgate fix` without --force removes that home's credentials and histories
# and leaves the application alone; with --force, appsettings.json and a script holding a SAS URL
# are still there, still parse, and hold the marker instead of the secret.
. "$(dirname "$0")/../scenario-lib.sh"
cg=$CAPGATE_BIN
export CAPGATE_CONFDIR="$scratch/noconf"

cache=$(sh "$CAPGATE_SRC/tests/fixtures/rootfs.sh" 2>"$scratch/rootfs.log") || {
	echo "skip: no cached Debian 12 rootfs and none could be built"; sed 's/^/    /' "$scratch/rootfs.log" | tail -3; exit 77; }
T="$scratch/root"
cp -a "$cache" "$T"

# the build user 'packer', removed by userdel without -r: no passwd, shadow or group entry
for f in passwd shadow group gshadow; do
	[ -f "$T/etc/$f" ] && sed -i '/^packer:/d' "$T/etc/$f"
done
h="$T/home/packer"
mkdir -p "$h/.aws"
printf 'sudo apt-get update\naws s3 ls\nexit\n' >"$h/.bash_history"
printf '[default]\naws_access_key_id = AKIAQ3EGRT5TYV7XKWPZ\naws_secret_access_key = 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\n' \
	>"$h/.aws/credentials"
printf 'https://packer:ghp_Xq3v9Lm2Nr8Tz5Wc7Yb1Kd4Hf6Gj0Pa2Se5Q@github.com\n' >"$h/.git-credentials"
chown -R 1000:1000 "$h"
chmod 600 "$h/.bash_history" "$h/.aws/credentials" "$h/.git-credentials"

# the application: a connection-string password and a SAS URL
app="$T/opt/app"
mkdir -p "$app"
cat >"$app/appsettings.json" <<'EOF'
{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "ConnectionStrings": {
    "DefaultConnection": "Server=tcp:db.internal,1433;Database=app;User Id=appuser;Password=Vq7pLm2zR9xKw4Tb;Encrypt=True;"
  },
  "AllowedHosts": "*"
}
EOF
cat >"$app/deploy.sh" <<'EOF'
#!/bin/sh
set -e
URL='https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0%3D'
curl -fsS -o /tmp/b "$URL"
EOF
chmod 640 "$app/appsettings.json"
chmod 750 "$app/deploy.sh"
app_before=$(sha256sum "$app/appsettings.json" "$app/deploy.sh")
cp "$app/appsettings.json" "$scratch/appsettings.orig"
cp "$app/deploy.sh" "$scratch/deploy.orig"

# before: the orphaned home's files are found by the path rules and gen.shell-history
"$cg" scan --root "$T" --format json >"$scratch/before.json" 2>/dev/null || true
finding "$scratch/before.json" secrets.orphaned-homes /home/packer
finding "$scratch/before.json" secrets.cloud-credentials /home/packer/.aws/credentials
finding "$scratch/before.json" secrets.tool-credentials /home/packer/.git-credentials
finding "$scratch/before.json" gen.shell-history /home/packer/.bash_history
finding "$scratch/before.json" secrets.tokens /opt/app/appsettings.json password-assignment
finding "$scratch/before.json" secrets.tokens /opt/app/deploy.sh azure-sas-signature

# fix without --force: the removed user's credentials and histories go, the application stays
set +e
"$cg" fix --root "$T" --manifest "$scratch/m1.json" >"$scratch/fix1.out" 2>"$scratch/fix1.err"
rc=$?
set -e
if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then ok "fix without --force ran (exit $rc)"; else not_ok "fix exit $rc"; sed 's/^/    /' "$scratch/fix1.err" | head -5; fi
for f in .bash_history .aws/credentials .git-credentials; do
	if [ -e "$h/$f" ]; then not_ok "/home/packer/$f still there without --force"; else ok "/home/packer/$f removed without --force"; fi
done
if [ "$(sha256sum "$app/appsettings.json" "$app/deploy.sh")" = "$app_before" ]; then
	ok "appsettings.json and deploy.sh untouched without --force"
else
	not_ok "the application changed without --force"
fi
contains "$scratch/fix1.out" "guarded fix: name 'secrets.tokens'" "the redaction is planned as guarded"

# fix --force: the secrets are replaced in place
set +e
"$cg" fix --root "$T" --force --manifest "$scratch/m2.json" >"$scratch/fix2.out" 2>"$scratch/fix2.err"
rc=$?
set -e
if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then ok "fix --force ran (exit $rc)"; else not_ok "fix --force exit $rc"; sed 's/^/    /' "$scratch/fix2.err" | head -5; fi
if [ -f "$app/appsettings.json" ] && python3 -m json.tool "$app/appsettings.json" >/dev/null 2>&1; then
	ok "appsettings.json is still there and valid JSON"
else
	not_ok "appsettings.json gone or not JSON"
fi
contains "$app/appsettings.json" "Password=CAPGATE-REDACTED;Encrypt=True;" "the password is the marker, the rest of the string kept"
if [ -f "$app/deploy.sh" ] && sh -n "$app/deploy.sh"; then ok "deploy.sh is still there and parses (sh -n)"; else not_ok "deploy.sh gone or broken"; fi
contains "$app/deploy.sh" "&se=2030-01-01T00:00:00Z&sig=CAPGATE-REDACTED'" "the sig value is the marker, the URL kept"
if grep -qF -e Vq7pLm2zR9xKw4Tb -e Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0 "$app/appsettings.json" "$app/deploy.sh"; then
	not_ok "a secret is still in the application's files"
else
	ok "no secret left in the application's files"
fi
[ "$(stat -c '%a %u:%g' "$app/appsettings.json")" = "640 0:0" ] && ok "appsettings.json keeps mode and owner" ||
	not_ok "appsettings.json mode/owner $(stat -c '%a %u:%g' "$app/appsettings.json")"
[ "$(stat -c '%a' "$app/deploy.sh")" = 750 ] && ok "deploy.sh keeps its mode" || not_ok "deploy.sh mode $(stat -c '%a' "$app/deploy.sh")"
# every other byte: the files as written above with only the secrets swapped
sed 's/Vq7pLm2zR9xKw4Tb/CAPGATE-REDACTED/' "$scratch/appsettings.orig" >"$scratch/appsettings.want"
sed 's/Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0%3D/CAPGATE-REDACTED/' "$scratch/deploy.orig" >"$scratch/deploy.want"
cmp -s "$scratch/appsettings.want" "$app/appsettings.json" && ok "appsettings.json: every other byte kept" ||
	not_ok "appsettings.json differs beyond the secret"
cmp -s "$scratch/deploy.want" "$app/deploy.sh" && ok "deploy.sh: every other byte kept" || not_ok "deploy.sh differs beyond the secret"
contains "$scratch/m2.json" '"sha256_after"' "the manifest has the hash after the rewrite"
if grep -qF -e Vq7pLm2zR9xKw4Tb -e Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0 "$scratch/m2.json" "$scratch/fix2.out" "$scratch/fix2.err"; then
	not_ok "the manifest or the output holds a secret"
else
	ok "the manifest and the output hold no secret"
fi

# a fresh scan: no secrets.tokens finding for those files
"$cg" scan --root "$T" --only secrets --format json >"$scratch/after.json" 2>/dev/null || true
no_finding "$scratch/after.json" secrets.tokens /opt/app/appsettings.json
no_finding "$scratch/after.json" secrets.tokens /opt/app/deploy.sh
finish
