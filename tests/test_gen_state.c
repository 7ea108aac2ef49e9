/* SPDX-License-Identifier: Apache-2.0 */
/* gen.* checks of gen_state.c and gen_access.c on fixture trees: what they find and what they
 * leave alone (empty package skeletons, /dev/null histories' cousins, non-core files). */
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fixture.h"
#include "firstboot.h"
#include "gen_checks.h"
#include "scan.h"

static struct fixture fx;

static void setup(void)
{
	fixture_init(&fx);
	fx_put(&fx, "/etc/passwd", "root:x:0:0::/root:/bin/sh\nvagrant:x:1000:1000::/home/vagrant:/bin/sh\n"
				   "admin:x:1001:1001::/home/admin:/bin/sh\n", 0644);
}

static void teardown(void)
{
	fixture_done(&fx);
}

/* Run one check; returns its findings' paths (and rules) joined by ';'. */
static char *findings(const char *id)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct strbuf sb = {0};

	strv_push(&sel.only, id);
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	scan_run(&ctx, &sel, &rep);
	ck_assert_uint_eq(rep.n, 1);
	ck_assert_msg(rep.results[0].status != CG_ERROR, "%s errored", id);
	for (size_t i = 0; i < rep.results[0].nfindings; i++)
		strbuf_printf(&sb, "%s%s%s;", rep.results[0].findings[i].path, rep.results[0].findings[i].rule ? "=" : "",
			      rep.results[0].findings[i].rule ? rep.results[0].findings[i].rule : "");
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
	return sb.buf ? sb.buf : xstrdup("");
}

START_TEST(swap_and_core_files_by_content)
{
	char page[4096] = {0};
	memcpy(page + 4086, "SWAPSPACE2", 10);
	_cleanup_free_ char *sw = fx_path(&fx, "/swapfile");
	int fd = open(sw, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, page, sizeof page), (ssize_t)sizeof page);
	close(fd);
	fx_put(&fx, "/data.img", "not swap at all", 0600);
	fx_put(&fx, "/etc/fstab", "/data.img none swap sw 0 0\n/swapfile none swap sw 0 0\n", 0644);
	_cleanup_free_ char *s = findings("gen.swap-files");
	ck_assert_str_eq(s, "/swapfile;");

	/* an ELF core (e_type 4) named core is a finding; a text file named core is not */
	unsigned char eh[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	eh[16] = 4;
	_cleanup_free_ char *core = fx_path(&fx, "/home/admin/core");
	fx_mkdir(&fx, "/home/admin");
	fd = open(core, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, eh, sizeof eh), (ssize_t)sizeof eh);
	close(fd);
	fx_put(&fx, "/root/core", "just notes\n", 0600);
	_cleanup_free_ char *c = findings("gen.crash-data");
	ck_assert_str_eq(c, "/home/admin/core;");
}
END_TEST

START_TEST(state_dirs_keep_skeletons_and_seed)
{
	fx_mkdir(&fx, "/var/lib/cloud/scripts/per-boot");
	fx_put(&fx, "/var/lib/cloud/seed/nocloud/user-data", "#cloud-config\n", 0600);
	_cleanup_free_ char *none = findings("gen.cloud-init-state");
	ck_assert_str_eq(none, "");
	fx_mkdir(&fx, "/var/lib/cloud/instances/i-1");
	_cleanup_free_ char *one = findings("gen.cloud-init-state");
	ck_assert_str_eq(one, "/var/lib/cloud/instances;");
	fx_put(&fx, "/var/lib/NetworkManager/secret_key", "k", 0600);
	fx_put(&fx, "/var/lib/NetworkManager/NetworkManager.state", "[main]\n", 0644);
	fx_put(&fx, "/etc/NetworkManager/system-connections/eth0.nmconnection", "[ethernet]\nmac-address=00:0d:3a:01:02:03\n", 0600);
	fx_put(&fx, "/etc/NetworkManager/system-connections/any.nmconnection", "[ethernet]\nmac-address=\n", 0600);
	_cleanup_free_ char *n = findings("gen.network-state");
	ck_assert_ptr_nonnull(strstr(n, "/var/lib/NetworkManager/secret_key;"));
	ck_assert_ptr_nonnull(strstr(n, "/etc/NetworkManager/system-connections/eth0.nmconnection;"));
	ck_assert_ptr_null(strstr(n, "NetworkManager.state"));
	ck_assert_ptr_null(strstr(n, "any.nmconnection"));
}
END_TEST

START_TEST(build_users_and_root_password)
{
	fx_put(&fx, "/var/lib/waagent/ovf-env.xml", "<UserName>admin</UserName>", 0600);
	fx_put(&fx, "/home/admin/.ssh/authorized_keys", "ssh-ed25519 AAAA admin\n", 0600);
	fx_put(&fx, "/home/vagrant/.ssh/authorized_keys", "ssh-ed25519 AAAA vagrant\n", 0600);
	fx_put(&fx, "/etc/sudoers.d/vagrant", "vagrant ALL=(ALL) NOPASSWD: ALL\nvagrantx ALL=(ALL) ALL\n", 0440);
	fx_put(&fx, "/etc/sudoers.d/README.txt", "vagrant ALL=(ALL) ALL\n", 0440); /* sudo skips names with '.' */
	_cleanup_free_ char *b = findings("gen.build-user-access");
	ck_assert_ptr_nonnull(strstr(b, "/home/admin/.ssh/authorized_keys=authorized_keys:admin;"));
	ck_assert_ptr_nonnull(strstr(b, "/home/vagrant/.ssh/authorized_keys=authorized_keys:vagrant;"));
	ck_assert_ptr_nonnull(strstr(b, "/etc/sudoers.d/vagrant=sudoers:vagrant;"));
	ck_assert_ptr_null(strstr(b, "README"));
	ck_assert_ptr_null(strstr(b, "vagrantx"));

	fx_put(&fx, "/etc/shadow", "root:*:1::::::\n", 0640);
	fx_put(&fx, "/etc/shadow-", "root::1::::::\n", 0600);
	_cleanup_free_ char *r = findings("gen.root-password");
	ck_assert_str_eq(r, "/etc/shadow-;");
	ck_assert(gen_access_hash_usable("$6$x", 4));
	ck_assert(!gen_access_hash_usable("!$6$x", 5));
	ck_assert(!gen_access_hash_usable("*", 1));
}
END_TEST

/* The regenerator the image has (malloc'd, NULL for none); the probe must not fail. */
static char *regenerator(struct cg_ctx *ctx)
{
	char *regen = NULL;
	ck_assert_int_eq(firstboot_hostkey_regenerator(&ctx->fs, &regen, NULL), 0);
	return regen;
}

START_TEST(host_key_regenerators)
{
	struct cg_ctx ctx;

	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	ck_assert_ptr_null(regenerator(&ctx));
	fx_put(&fx, "/usr/sbin/waagent", "", 0755);
	fx_put(&fx, "/etc/waagent.conf", "Provisioning.RegenerateSshHostKeyPair=y\nProvisioning.Agent=cloud-init\n", 0644);
	ck_assert_ptr_null(regenerator(&ctx)); /* cloud-init provisions: waagent does not */
	fx_put(&fx, "/etc/waagent.conf", "Provisioning.RegenerateSshHostKeyPair=y\n", 0644);
	char *w = regenerator(&ctx);
	ck_assert_ptr_nonnull(strstr(w, "waagent"));
	free(w);
	fx_put(&fx, "/etc/waagent.conf", "# Provisioning.RegenerateSshHostKeyPair=y\n", 0644);
	fx_put(&fx, "/usr/bin/cloud-init", "", 0755);
	fx_put(&fx, "/etc/cloud/cloud.cfg", "cloud_init_modules:\n - [ssh, always]\n", 0644);
	char *c = regenerator(&ctx);
	ck_assert_ptr_nonnull(strstr(c, "cloud-init"));
	free(c);
	fx_put(&fx, "/etc/cloud/cloud-init.disabled", "", 0644);
	ck_assert_ptr_null(regenerator(&ctx));
	fx_put(&fx, "/usr/lib/systemd/system/sshd-keygen@.service", "[Service]\n", 0644);
	char *k = regenerator(&ctx);
	ck_assert_ptr_nonnull(strstr(k, "sshd-keygen"));
	free(k);
	/* a file the answer depends on that cannot be read: an error naming it, not "none" */
	fx_symlink(&fx, "waagent.conf", "/etc/waagent.conf");
	char *regen = NULL, *where = NULL;
	ck_assert_int_eq(firstboot_hostkey_regenerator(&ctx.fs, &regen, &where), -ELOOP);
	ck_assert_ptr_null(regen);
	ck_assert_str_eq(where, "/etc/waagent.conf");
	free(where);
	ctx_done(&ctx);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		swap_and_core_files_by_content,
		state_dirs_keep_skeletons_and_seed,
		build_users_and_root_password,
		host_key_regenerators,
	};
	return fx_run("gen_state", setup, teardown, tests, ELEMENTSOF(tests));
}
