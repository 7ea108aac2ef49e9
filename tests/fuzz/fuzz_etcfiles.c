/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the small /etc parsers: login.defs, os-release, modprobe.d, PAM stacks (with
 * @include through the safe fs), the dpkg status database and dpkg version ordering. */
#include "dpkg.h"
#include "fuzz.h"
#include "logindefs.h"
#include "modprobe.h"
#include "osrelease.h"
#include "pamstack.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_root();
	return 0;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct logindefs ld = {0};
	struct osrelease os = {0};
	struct modprobe_conf mp = {0};
	struct pamstack ps = {0};
	struct dpkg_db db = {0};
	long num;

	logindefs_parse(&ld, text);
	(void)logindefs_num(&ld, "PASS_MAX_DAYS", &num);
	logindefs_free(&ld);

	osrelease_parse(&os, text);
	osrelease_free(&os);

	_cleanup_free_ char *mtext = xstrdup(text);
	modprobe_parse(&mp, "/etc/modprobe.d/fuzz.conf", mtext);
	(void)modprobe_blacklisted(&mp, "usb-storage");
	(void)modprobe_install(&mp, "cramfs");
	modprobe_free(&mp);
	(void)modprobe_command_disables(text);

	fuzz_root_write("etc/pam.d/fuzz", data, size);
	pamstack_parse_text(&ps, fuzz_root(), "/etc/pam.d/fuzz", text, NULL);
	(void)pamstack_find(&ps, "auth", "pam_unix.so");
	pamstack_free(&ps);

	dpkg_parse(&db, text);
	for (size_t i = 0; i + 1 < db.n; i++)
		FUZZ_ASSERT(strcmp(db.v[i].name, db.v[i + 1].name) <= 0);
	dpkg_free(&db);

	/* version ordering: antisymmetric and reflexive on the two halves of the input */
	const char *nl = strchr(text, '\n');
	_cleanup_free_ char *va = xstrndup(text, nl ? (size_t)(nl - text) : strlen(text));
	const char *vb = nl ? nl + 1 : "";
	FUZZ_ASSERT(dpkg_version_compare(va, va) == 0);
	FUZZ_ASSERT(sign(dpkg_version_compare(va, vb)) == -sign(dpkg_version_compare(vb, va)));
	return 0;
}
