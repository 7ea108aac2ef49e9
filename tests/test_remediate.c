/* SPDX-License-Identifier: Apache-2.0 */
/* Remediation end to end on fixture trees, hostile ones included: every change is a planned
 * target, nothing outside the root changes, traps are reported and left alone. */
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fixture.h"
#include "pipeline.h"
#include "remediate.h"

static struct fixture fx;

static const char shadow_text[] =
	"root:$6$rounds=5000$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH:20000:0:99999:7:::\n"
	"daemon:*:20000:0:99999:7:::\n"
	"packer:$6$x$y:20000:0:99999:7:::\n"
	"alice:!:20000:0:99999:7::1:\n";

static const char shadow_locked[] =
	"root:*:20000:0:99999:7:::\n"
	"daemon:*:20000:0:99999:7:::\n"
	"packer:$6$x$y:20000:0:99999:7:::\n"
	"alice:!:20000:0:99999:7::1:\n";

/* A build's leftovers, one of each kind the gen.* checks know. */
static void plant(void)
{
	fx_put(&fx, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\npacker:x:1000:1000::/home/packer:/bin/bash\n"
				   "alice:x:1001:1001::/home/alice:/bin/bash\n", 0644);
	fx_put(&fx, "/etc/shadow", shadow_text, 0640);
	fx_put(&fx, "/etc/shadow-", shadow_text, 0600);
	fx_put(&fx, "/etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
	fx_put(&fx, "/var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n", 0644);
	fx_put(&fx, "/usr/lib/systemd/systemd", "", 0755);
	fx_put(&fx, "/etc/sudoers", "root ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n", 0440);
	fx_put(&fx, "/etc/sudoers.d/90-cloud-init-users", "# Created by cloud-init\npacker ALL=(ALL) NOPASSWD:ALL\n", 0440);
	fx_put(&fx, "/etc/sudoers.d/admins", "alice ALL=(ALL) ALL\npacker2 ALL=(ALL) ALL\n", 0440);
	fx_put(&fx, "/home/packer/.ssh/authorized_keys", "ssh-ed25519 AAAAC3Nza packer@build\n", 0600);
	fx_put(&fx, "/home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAAC3Nzb alice@laptop\n", 0600);
	fx_put(&fx, "/home/alice/.bash_history", "export TOKEN=abc\n", 0600);
	fx_put(&fx, "/var/log/syslog", "Nov 28 build log\n", 0640);
	fx_put(&fx, "/var/log/apt/history.log.1.gz", "gz", 0644);
	fx_put(&fx, "/var/log/journal/0123/system.journal", "LPKSHHRH", 0640);
	fx_put(&fx, "/var/lib/cloud/instances/i-1/user-data.txt", "#cloud-config\n", 0600);
	fx_symlink(&fx, "/var/lib/cloud/instances/i-1", "/var/lib/cloud/instance");
	fx_put(&fx, "/var/lib/cloud/seed/nocloud/meta-data", "instance-id: x\n", 0644);
	fx_put(&fx, "/var/lib/waagent/ovf-env.xml", "<ns1:UserName>packer</ns1:UserName>\n", 0600);
	fx_put(&fx, "/var/lib/dhcp/dhclient.eth0.leases", "lease {}\n", 0644);
	fx_put(&fx, "/var/cache/apt/archives/foo_1.0_amd64.deb", "deb", 0644);
	fx_put(&fx, "/var/cache/apt/archives/lock", "", 0640);
	fx_put(&fx, "/var/crash/a.crash", "core", 0600);
	fx_put(&fx, "/var/lib/systemd/random-seed", "seedseedseed", 0600);
	fx_put(&fx, "/etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 0600);
	fx_put(&fx, "/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA root@build\n", 0644);
	fx_put(&fx, "/etc/systemd/system/ssh.service.d/keygen.conf", "[Service]\nExecStartPre=/usr/bin/ssh-keygen -A\n", 0644);
	fx_put(&fx, "/etc/ssl/private/ssl-cert-snakeoil.key", "-----BEGIN PRIVATE KEY-----\n", 0640);
	fx_put(&fx, "/usr/sbin/make-ssl-cert", "#!/bin/sh\n", 0755);
	fx_put(&fx, "/tmp/script_1234.sh", "#!/bin/sh\n", 0700);
	_cleanup_free_ char *canary = xasprintf("%s/canary", fx.outside);
	FILE *f = fopen(canary, "w");
	fputs("outside the image\n", f);
	fclose(f);
}

static void setup(void)
{
	fixture_init(&fx);
	plant();
}

static void teardown(void)
{
	fixture_done(&fx);
}

struct run {
	struct cg_ctx ctx;
	struct cg_report rep;
	int rc;
};

static void run_fix(struct run *r, unsigned phases, bool dry_run, const char *manifest)
{
	struct cg_selection sel = {.fail_on = -1};
	struct pipeline_opts o = {.remediate = true, .phases = phases, .dry_run = dry_run, .manifest = manifest};

	ck_assert_int_eq(ctx_init(&r->ctx, fx.root, NULL), 0);
	strv_push(&sel.only, "gen.*");
	r->rc = pipeline_run(&r->ctx, &sel, &o, &r->rep);
	strv_free(&sel.only);
}

static void run_done(struct run *r)
{
	scan_report_free(&r->rep);
	ctx_done(&r->ctx);
}

static const struct cg_result *result_of(const struct cg_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (streq(rep->results[i].check->id, id))
			return &rep->results[i];
	ck_abort_msg("no result for %s", id);
	return NULL;
}

static json_t *action_for(const struct cg_report *rep, const char *path)
{
	size_t i;
	json_t *a;
	json_array_foreach(rep->actions, i, a)
		if (streq(json_string_value(json_object_get(a, "path")), path))
			return a;
	return NULL;
}

static const char *result_for(const struct cg_report *rep, const char *path)
{
	json_t *a = action_for(rep, path);
	return a ? json_string_value(json_object_get(a, "result")) : "none";
}

START_TEST(fix_changes_only_targets_and_verifies)
{
	struct strv before = {0}, after = {0}, out_before = {0}, out_after = {0};
	_cleanup_free_ char *diff = NULL, *odiff = NULL;
	_cleanup_free_ char *manifest = xasprintf("%s/manifest.json", fx.dir);
	struct run r = {0};

	fx_digest(fx.root, &before);
	fx_digest(fx.outside, &out_before);
	run_fix(&r, REM_PHASES_ALL, false, manifest);
	ck_assert_int_eq(r.rc, 0);
	fx_digest(fx.root, &after);
	fx_digest(fx.outside, &out_after);
	ck_assert_msg(fx_diff(&out_before, &out_after, &odiff) == 0, "outside changed: %s", odiff);
	fx_diff(&before, &after, &diff);

	/* exactly the targets changed (the wanted link and unit of the snakeoil hook are new) */
	static const char *const expected[] = {
		"/etc/shadow", "/etc/shadow-", "/etc/machine-id", "/var/lib/dbus/machine-id",
		"/etc/sudoers.d/90-cloud-init-users", "/home/packer/.ssh/authorized_keys", "/home/alice/.bash_history",
		"/var/log/syslog", "/var/log/apt/history.log.1.gz", "/var/log/journal/0123/system.journal",
		"/var/lib/cloud/instances", "/var/lib/cloud/instances/i-1", "/var/lib/cloud/instances/i-1/user-data.txt",
		"/var/lib/cloud/instance", "/var/lib/waagent/ovf-env.xml", "/var/lib/dhcp/dhclient.eth0.leases",
		"/var/cache/apt/archives/foo_1.0_amd64.deb", "/var/crash/a.crash", "/var/lib/systemd/random-seed",
		"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub", "/etc/ssl/private/ssl-cert-snakeoil.key",
		"/etc/systemd/system/capgate-snakeoil.service", "/etc/systemd/system/multi-user.target.wants",
		"/etc/systemd/system/multi-user.target.wants/capgate-snakeoil.service", "/tmp/script_1234.sh",
		/* directories whose size changed: entries removed or added */
		"/etc", "/etc/ssh", "/etc/systemd/system", "/etc/ssl/private", "/var/lib/dbus",
		"/home/packer/.ssh", "/home/alice", "/var/lib/cloud", "/var/lib/waagent", "/var/lib/dhcp",
		"/var/cache/apt/archives", "/var/crash", "/var/lib/systemd", "/tmp", "/var/log/apt", "/var/log/journal/0123",
	};
	char *save = NULL;
	for (char *p = strtok_r(diff, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (size_t i = 0; i < ELEMENTSOF(expected); i++)
			ok |= streq(p, expected[i]);
		ck_assert_msg(ok, "unexpected change: %s", p);
	}
	/* contents: every other byte of shadow kept; sudoers without packer; alice untouched */
	_cleanup_free_ char *sh = fx_path(&fx, "/etc/shadow");
	_cleanup_free_ char *shc = fx_read(sh);
	ck_assert_str_eq(shc, shadow_locked);
	struct stat st;
	ck_assert_int_eq(stat(sh, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	_cleanup_free_ char *su = fx_path(&fx, "/etc/sudoers.d/90-cloud-init-users");
	_cleanup_free_ char *suc = fx_read(su);
	ck_assert_str_eq(suc, "# Created by cloud-init\n");
	ck_assert_int_eq(stat(su, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0440);
	_cleanup_free_ char *ak = fx_path(&fx, "/home/alice/.ssh/authorized_keys");
	ck_assert_int_eq(access(ak, F_OK), 0);
	_cleanup_free_ char *mid = fx_path(&fx, "/etc/machine-id");
	ck_assert_int_eq(stat(mid, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0444);
	_cleanup_free_ char *seed = fx_path(&fx, "/var/lib/cloud/seed/nocloud/meta-data");
	ck_assert_int_eq(access(seed, F_OK), 0);
	_cleanup_free_ char *lock = fx_path(&fx, "/var/cache/apt/archives/lock");
	ck_assert_int_eq(access(lock, F_OK), 0);

	/* verified: every gen.* check passes after the fix */
	for (size_t i = 0; i < r.rep.n; i++)
		ck_assert_msg(r.rep.results[i].status == CG_PASS, "%s: %s after fix", r.rep.results[i].check->id,
			      result_status_name(r.rep.results[i].status));
	ck_assert_int_eq(r.rep.verdict, CG_READY);

	/* the manifest lists each change with its before-state, never content */
	json_error_t jerr;
	json_t *m = json_load_file(manifest, 0, &jerr);
	ck_assert_ptr_nonnull(m);
	json_t *entries = json_object_get(m, "entries");
	size_t i;
	json_t *e;
	bool saw_shadow = false;
	json_array_foreach(entries, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		ck_assert_str_eq(json_string_value(json_object_get(e, "result")), "done");
		if (streq(path, "/etc/shadow")) {
			saw_shadow = true;
			ck_assert_str_eq(json_string_value(json_object_get(e, "mode")), "0640");
			ck_assert_int_eq(json_integer_value(json_object_get(e, "size")), (json_int_t)strlen(shadow_text));
			ck_assert_uint_eq(strlen(json_string_value(json_object_get(e, "sha256_before"))), 64);
		}
	}
	ck_assert(saw_shadow);
	_cleanup_free_ char *mtext = fx_read(manifest);
	ck_assert_ptr_null(strstr(mtext, "saltsalt"));
	ck_assert_ptr_null(strstr(mtext, "TOKEN"));
	json_decref(m);
	run_done(&r);

	/* a second fix is a no-op */
	struct run r2 = {0};
	strv_free(&before);
	fx_digest(fx.root, &before);
	run_fix(&r2, REM_PHASES_ALL, false, NULL);
	ck_assert_uint_eq(json_array_size(r2.rep.actions), 0);
	strv_free(&after);
	fx_digest(fx.root, &after);
	_cleanup_free_ char *d2 = NULL;
	ck_assert_msg(fx_diff(&before, &after, &d2) == 0, "second fix changed: %s", d2);
	run_done(&r2);
	strv_free(&before);
	strv_free(&after);
	strv_free(&out_before);
	strv_free(&out_after);
}
END_TEST

START_TEST(hostile_traps_are_reported_and_left_alone)
{
	_cleanup_free_ char *canary = xasprintf("%s/canary", fx.outside);
	_cleanup_free_ char *shadow = fx_path(&fx, "/etc/shadow");
	_cleanup_free_ char *passwd = fx_path(&fx, "/etc/passwd");
	_cleanup_free_ char *pyh = fx_path(&fx, "/home/alice/.python_history");
	_cleanup_free_ char *hl = fx_path(&fx, "/var/log/auth.log");
	struct strv out_before = {0}, out_after = {0};
	_cleanup_free_ char *odiff = NULL;
	struct run r = {0};

	fx_symlink(&fx, canary, "/root/.bash_history");        /* history: a link out of the root */
	ck_assert_int_eq(link(shadow, pyh), 0);                 /* history: a hard link to /etc/shadow */
	ck_assert_int_eq(link(passwd, hl), 0);                  /* a log that is a hard link to passwd */
	fx_symlink(&fx, fx.outside, "/var/log/nginx");          /* a log directory that is a link out */
	fx_digest(fx.outside, &out_before);

	run_fix(&r, REM_PHASES_ALL, false, NULL);
	fx_digest(fx.outside, &out_after);
	ck_assert_msg(fx_diff(&out_before, &out_after, &odiff) == 0, "outside changed: %s", odiff);
	/* the links named as histories are gone; their targets are intact */
	struct stat st;
	_cleanup_free_ char *rh = fx_path(&fx, "/root/.bash_history");
	ck_assert_int_ne(lstat(rh, &st), 0);
	ck_assert_int_ne(lstat(pyh, &st), 0);
	_cleanup_free_ char *cc = fx_read(canary);
	ck_assert_str_eq(cc, "outside the image\n");
	/* /etc/shadow had two names when its turn came; once the history name was gone, the
	 * deferred retry locked it (the old inode, with the hash, went with the last name) */
	ck_assert_str_eq(result_for(&r.rep, "/etc/shadow"), "done");
	_cleanup_free_ char *sc = fx_read(shadow);
	ck_assert_str_eq(sc, shadow_locked);
	/* the hard-linked log and the symlinked log dir: reported, skipped, untouched */
	ck_assert_str_eq(result_for(&r.rep, "/var/log/auth.log"), "skipped");
	ck_assert_str_eq(result_for(&r.rep, "/var/log/nginx"), "skipped");
	_cleanup_free_ char *pc = fx_read(passwd);
	ck_assert_ptr_nonnull(strstr(pc, "alice"));
	ck_assert_int_eq(lstat(hl, &st), 0);
	ck_assert_int_eq(result_of(&r.rep, "gen.logs")->status, CG_FAIL);
	ck_assert_int_eq(r.rep.verdict, CG_BLOCKED);
	ck_assert_int_eq(scan_exit_code(&r.rep), 1);
	run_done(&r);

	/* with only phase "any" the history name stays, so the rewrite is refused and says why */
	ck_assert_int_eq(link(shadow, pyh), 0);
	struct run r2 = {0};
	FILE *f = fopen(shadow, "w"); /* both names see it */
	fputs(shadow_text, f);
	fclose(f);
	run_fix(&r2, REM_PHASE_ANY, false, NULL);
	ck_assert_str_eq(result_for(&r2.rep, "/etc/shadow"), "failed");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(action_for(&r2.rep, "/etc/shadow"), "reason")),
				     "hard link"));
	_cleanup_free_ char *sc2 = fx_read(shadow);
	ck_assert_str_eq(sc2, shadow_text);
	ck_assert_int_eq(scan_exit_code(&r2.rep), 3);
	run_done(&r2);
	strv_free(&out_before);
	strv_free(&out_after);
}
END_TEST

START_TEST(fifo_swapped_in_after_the_plan)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct rem_opts o = {.phases = REM_PHASES_ALL};
	struct rem_plan plan;
	_cleanup_free_ char *h = fx_path(&fx, "/home/alice/.bash_history");
	_cleanup_free_ char *log = fx_path(&fx, "/var/log/syslog");
	struct stat st;

	strv_push(&sel.only, "gen.shell-history");
	strv_push(&sel.only, "gen.logs");
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	scan_run(&ctx, &sel, &rep);
	remediate_plan(&ctx, &rep, &o, &plan);
	/* between plan and apply: both targets become FIFOs */
	ck_assert_int_eq(unlink(h), 0);
	ck_assert_int_eq(mkfifo(h, 0600), 0);
	ck_assert_int_eq(unlink(log), 0);
	ck_assert_int_eq(mkfifo(log, 0640), 0);
	ck_assert_uint_ge(remediate_apply(&ctx, &plan, &o), 2);
	for (size_t i = 0; i < plan.n; i++)
		if (streq(plan.v[i].path, "/home/alice/.bash_history") || streq(plan.v[i].path, "/var/log/syslog")) {
			ck_assert_int_eq(plan.v[i].state, REM_FAILED);
			ck_assert_ptr_nonnull(strstr(plan.v[i].reason, "changed since the plan"));
			ck_assert(!plan.v[i].have_sha);
		}
	ck_assert_int_eq(lstat(h, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(lstat(log, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
}
END_TEST

START_TEST(dry_run_changes_nothing_and_phases_gate)
{
	struct strv before = {0}, after = {0};
	_cleanup_free_ char *diff = NULL;
	struct run r = {0};

	fx_digest(fx.root, &before);
	run_fix(&r, REM_PHASES_ALL, true, NULL);
	fx_digest(fx.root, &after);
	ck_assert_msg(fx_diff(&before, &after, &diff) == 0, "dry run changed: %s", diff);
	ck_assert_str_eq(result_for(&r.rep, "/etc/shadow"), "planned");
	run_done(&r);

	/* phase "late" (capgate run): host keys and build-user access wait for the last phase */
	struct run r2 = {0};
	run_fix(&r2, REM_PHASES_RUN, false, NULL);
	ck_assert_str_eq(result_for(&r2.rep, "/etc/ssh/ssh_host_ed25519_key"), "skipped");
	ck_assert_str_eq(result_for(&r2.rep, "/home/packer/.ssh/authorized_keys"), "skipped");
	ck_assert_str_eq(result_for(&r2.rep, "/var/log/syslog"), "done");
	_cleanup_free_ char *k = fx_path(&fx, "/etc/ssh/ssh_host_ed25519_key");
	ck_assert_int_eq(access(k, F_OK), 0);
	run_done(&r2);
	strv_free(&before);
	strv_free(&after);
}
END_TEST

START_TEST(removal_inside_a_removed_tree_is_not_a_failure)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct rem_opts o = {.phases = REM_PHASES_ALL};
	struct rem_plan plan;

	strv_push(&sel.only, "gen.cloud-init-state");
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	scan_run(&ctx, &sel, &rep);
	remediate_plan(&ctx, &rep, &o, &plan);
	/* a second check wants a file inside the instance tree gone (secrets.provisioning-data does) */
	struct rem_planner p = {.ctx = &ctx, .plan = &plan, .opts = &o, .result = &rep.results[0], .phase = REM_PHASE_ANY};
	rem_plan_add(&p, "remove-file", "/var/lib/cloud/instances/i-1/user-data.txt", NULL)->selected = true;
	ck_assert_uint_eq(remediate_apply(&ctx, &plan, &o), 0);
	json_t *a = remediate_actions_json(&plan, false);
	size_t i;
	json_t *e;
	bool saw = false;
	json_array_foreach(a, i, e)
		if (streq(json_string_value(json_object_get(e, "path")), "/var/lib/cloud/instances/i-1/user-data.txt")) {
			saw = true;
			ck_assert_str_eq(json_string_value(json_object_get(e, "result")), "skipped");
			ck_assert_str_eq(json_string_value(json_object_get(e, "reason")), "already gone");
		}
	ck_assert(saw);
	json_decref(a);
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
}
END_TEST

START_TEST(safe_request_wins_over_a_guarded_one)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct rem_opts o = {.phases = REM_PHASES_ALL};
	struct rem_plan plan = {0};

	strv_push(&sel.only, "gen.cloud-init-state");
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	scan_run(&ctx, &sel, &rep);
	/* a guarded check asks first and is refused; a safe check then asks for the same removal */
	struct rem_planner guarded = {.ctx = &ctx, .plan = &plan, .opts = &o, .result = &rep.results[0],
				      .phase = REM_PHASE_ANY, .refuse = "guarded fix"};
	struct rem_item *it = rem_plan_add(&guarded, "remove-file", "/root/.bash_history", NULL);
	ck_assert_int_eq(it->state, REM_REFUSED);
	struct rem_planner safe = {.ctx = &ctx, .plan = &plan, .opts = &o, .result = &rep.results[0], .phase = REM_PHASE_ANY};
	it = rem_plan_add(&safe, "remove-file", "/root/.bash_history", NULL);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_int_eq(it->state, REM_PLANNED);
	ck_assert_ptr_null(it->reason);
	/* and not the other way round */
	it = rem_plan_add(&guarded, "remove-file", "/root/.bash_history", NULL);
	ck_assert_int_eq(it->state, REM_PLANNED);
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
}
END_TEST

START_TEST(host_keys_need_a_regenerator_or_force)
{
	_cleanup_free_ char *dropin = fx_path(&fx, "/etc/systemd/system/ssh.service.d/keygen.conf");
	_cleanup_free_ char *k = fx_path(&fx, "/etc/ssh/ssh_host_ed25519_key");
	struct run r = {0};

	ck_assert_int_eq(unlink(dropin), 0);
	run_fix(&r, REM_PHASES_ALL, false, NULL);
	json_t *a = action_for(&r.rep, "/etc/ssh/ssh_host_ed25519_key");
	ck_assert_str_eq(json_string_value(json_object_get(a, "result")), "skipped");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "reason")), "nothing regenerates"));
	ck_assert_int_eq(access(k, F_OK), 0);
	run_done(&r);

	/* --force overrides */
	struct cg_selection sel = {.fail_on = -1};
	struct pipeline_opts o = {.remediate = true, .phases = REM_PHASES_ALL, .force = true};
	struct run r2 = {0};
	strv_push(&sel.only, "gen.ssh-host-keys");
	ck_assert_int_eq(ctx_init(&r2.ctx, fx.root, NULL), 0);
	pipeline_run(&r2.ctx, &sel, &o, &r2.rep);
	ck_assert_int_ne(access(k, F_OK), 0);
	ck_assert_int_eq(r2.rep.verdict, CG_READY);
	strv_free(&sel.only);
	run_done(&r2);
}
END_TEST

/* ---- drop-ins for other families' checks: the setting comes with the check ---- */

static int noop_check(struct cg_ctx *ctx, struct cg_result *r) { return 0; }

static void dropin_fix(const struct cg_check *c, const char *path, const char *rule)
{
	struct cg_ctx ctx;
	struct cg_report rep = {0};
	struct rem_opts o = {.phases = REM_PHASES_ALL};
	struct rem_plan plan;

	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	rep.results = xcalloc(1, sizeof *rep.results);
	rep.n = 1;
	result_init(&rep.results[0], c, c->severity);
	result_add_finding(&rep.results[0], path, 3, rule, NULL, "unsafe");
	result_finish(&rep.results[0], 0);
	remediate_plan(&ctx, &rep, &o, &plan);
	ck_assert_uint_eq(remediate_apply(&ctx, &plan, &o), 0);
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
}

START_TEST(dropins_from_table_rule_and_argument)
{
	static const struct cg_check root_login = {.id = "ssh.permit-root-login", .title = "t", .severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE, .remediation = "sshd-dropin", .run = noop_check};
	static const struct cg_check by_rule = {.id = "ssh.custom", .title = "t", .severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE, .remediation = "sshd-dropin", .run = noop_check};
	static const struct cg_check fwd = {.id = "net.custom-forwarding", .title = "t", .severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE, .remediation = "sysctl-dropin:net.ipv4.ip_forward=0", .run = noop_check};
	static const struct cg_check aslr = {.id = "kernel.aslr", .title = "t", .severity = CG_SEV_LOW,
		.modes = CG_ANYWHERE, .remediation = "sysctl-dropin", .run = noop_check};

	fx_put(&fx, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n", 0644);
	dropin_fix(&root_login, "/etc/ssh/sshd_config", NULL);
	dropin_fix(&by_rule, "/etc/ssh/sshd_config", "X11Forwarding=no");
	dropin_fix(&root_login, "/etc/ssh/sshd_config", NULL); /* again: replaced, not duplicated */
	dropin_fix(&fwd, "/etc/sysctl.conf", NULL);
	dropin_fix(&aslr, "/etc/sysctl.conf", NULL);
	_cleanup_free_ char *s = fx_path(&fx, "/etc/ssh/sshd_config.d/00-capgate.conf");
	_cleanup_free_ char *sc = fx_read(s);
	ck_assert_str_eq(sc, "# Written by capgate: hardening with a safe fix. sshd uses the first value.\n"
			     "PermitRootLogin no\nX11Forwarding no\n");
	struct stat st;
	ck_assert_int_eq(stat(s, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	_cleanup_free_ char *y = fx_path(&fx, "/etc/sysctl.d/99-zz-capgate.conf");
	_cleanup_free_ char *yc = fx_read(y);
	ck_assert_str_eq(yc, "# Written by capgate: hardening with a safe fix. The last file wins.\n"
			     "net.ipv4.ip_forward = 0\nkernel.randomize_va_space = 2\n");
}
END_TEST

/* The plan for ssh.permit-root-login on CONFIG: one item, refused or planned; its reason. */
/* Plan the drop-in for a finding on MAIN:LINE, MAIN holding CONFIG; STATE WANT, the reason holding WHY. */
static void sshd_dropin_plan_at(const char *main, const char *config, unsigned line, enum rem_state want, const char *why)
{
	static const struct cg_check c = {.id = "ssh.permit-root-login", .title = "t", .severity = CG_SEV_HIGH,
		.modes = CG_ANYWHERE, .remediation = "sshd-dropin", .run = noop_check};
	struct cg_ctx ctx;
	struct cg_report rep = {0};
	struct rem_opts o = {.phases = REM_PHASES_ALL};
	struct rem_plan plan;

	fx_put(&fx, main, config, 0644);
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	rep.results = xcalloc(1, sizeof *rep.results);
	rep.n = 1;
	result_init(&rep.results[0], &c, c.severity);
	result_add_finding(&rep.results[0], main, line, NULL, NULL, "unsafe");
	result_finish(&rep.results[0], 0);
	remediate_plan(&ctx, &rep, &o, &plan);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_msg(plan.v[0].state == want, "state %d, reason: %s", plan.v[0].state, plan.v[0].reason);
	if (why)
		ck_assert_msg(plan.v[0].reason && strstr(plan.v[0].reason, why), "reason: %s", plan.v[0].reason);
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
}

static void sshd_dropin_plan(const char *config, unsigned line, enum rem_state want, const char *why)
{
	sshd_dropin_plan_at("/etc/ssh/sshd_config", config, line, want, why);
}

/* A drop-in that sshd would not read, or whose value an earlier line wins over, is refused with
 * the reason: a fix reported done that never converges is worse than none. */
START_TEST(sshd_dropin_refused_when_it_cannot_win)
{
	sshd_dropin_plan("PermitRootLogin yes\n", 1, REM_REFUSED, "does not include");
	sshd_dropin_plan("PermitRootLogin yes\nInclude /etc/ssh/sshd_config.d/*.conf\n", 1, REM_REFUSED,
			 "'permitrootlogin yes' at /etc/ssh/sshd_config:1 is read before sshd_config.d");
	/* a drop-in that sorts before ours wins too */
	fx_put(&fx, "/etc/ssh/sshd_config.d/0-early.conf", "PermitRootLogin yes\n", 0644);
	sshd_dropin_plan("Include /etc/ssh/sshd_config.d/*.conf\n", 1, REM_REFUSED, "0-early.conf:1");
	/* one that sorts after ours, or a line below the Include, loses to the drop-in: planned */
	_cleanup_free_ char *early = fx_path(&fx, "/etc/ssh/sshd_config.d/0-early.conf");
	ck_assert_int_eq(unlink(early), 0);
	fx_put(&fx, "/etc/ssh/sshd_config.d/50-cloud-init.conf", "PermitRootLogin yes\n", 0644);
	sshd_dropin_plan("Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n", 2, REM_PLANNED, NULL);
	/* an Include of another directory is not ours; a relative one resolves in /etc/ssh */
	sshd_dropin_plan("Include /usr/etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n", 2, REM_REFUSED, "does not include");
	sshd_dropin_plan("Include sshd_config.d/*.conf\nPermitRootLogin yes\n", 2, REM_PLANNED, NULL);
}
END_TEST

/* The /usr/etc layout: the vendor sshd_config is the main file when /etc has none; its vendor
 * drop-ins, when included before ours, win. */
START_TEST(sshd_dropin_vendor_layout)
{
	const char *vendor = "/usr/etc/ssh/sshd_config";
	sshd_dropin_plan_at(vendor, "Include /etc/ssh/sshd_config.d/*.conf\nInclude /usr/etc/ssh/sshd_config.d/*.conf\n"
			    "PermitRootLogin yes\n", 3, REM_PLANNED, NULL);
	fx_put(&fx, "/usr/etc/ssh/sshd_config.d/10-vendor.conf", "PermitRootLogin yes\n", 0644);
	sshd_dropin_plan_at(vendor, "Include /usr/etc/ssh/sshd_config.d/*.conf\nInclude /etc/ssh/sshd_config.d/*.conf\n", 1,
			    REM_REFUSED, "/usr/etc/ssh/sshd_config.d/10-vendor.conf:1");
	sshd_dropin_plan_at(vendor, "Include /etc/ssh/sshd_config.d/*.conf\nInclude /usr/etc/ssh/sshd_config.d/*.conf\n", 2,
			    REM_PLANNED, NULL);
	sshd_dropin_plan_at(vendor, "Include /usr/etc/ssh/sshd_config.d/*.conf\n", 1, REM_REFUSED,
			    "/usr/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d");
}
END_TEST

/* ---- the build user's account and waagent's ovf-env.xml: the deprovision step's ---- */

/* A fix of the accounts and agent state with PHASES, in a live VM (LIVE: the fixture root stands
 * for "/") or offline. Only checks whose fixes act through safefs on the fixture are selected. */
static void run_access(struct run *r, unsigned phases, bool live)
{
	struct cg_selection sel = {.fail_on = -1};
	struct pipeline_opts o = {.remediate = true, .phases = phases};

	ck_assert_int_eq(ctx_init(&r->ctx, fx.root, NULL), 0);
	if (live)
		r->ctx.mode = CG_MODE_LIVE;
	strv_push(&sel.only, "acct.leftover-users");
	strv_push(&sel.only, "gen.build-user-access");
	strv_push(&sel.only, "gen.agent-state");
	r->rc = pipeline_run(&r->ctx, &sel, &o, &r->rep);
	strv_free(&sel.only);
}

static bool has_reason(const struct cg_result *r, const char *part)
{
	return r->skip_reason && strstr(r->skip_reason, part);
}

START_TEST(build_user_account_is_the_deprovision_steps)
{
	_cleanup_free_ char *ovf = fx_path(&fx, "/var/lib/waagent/ovf-env.xml");
	_cleanup_free_ char *keys = fx_path(&fx, "/home/packer/.ssh/authorized_keys");
	struct run r = {0};

	/* alice is no build user: she blocks at the gate whatever happens to packer */
	run_access(&r, REM_PHASES_RUN, false);
	ck_assert_int_eq(result_of(&r.rep, "acct.leftover-users")->status, CG_FAIL);
	ck_assert_int_eq(r.rep.verdict, CG_BLOCKED);
	run_done(&r);

	/* waagent installed; only the build user left */
	fx_put(&fx, "/usr/sbin/waagent", "#!/usr/bin/python3\n", 0755);
	fx_put(&fx, "/var/lib/waagent/ovf-env.xml", "<ns1:UserName>packer</ns1:UserName>\n", 0600);
	fx_put(&fx, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\npacker:x:1000:1000::/home/packer:/bin/bash\n", 0644);
	/* the gate (run, wait): the account and the ovf-env.xml naming it are judged last */
	run_access(&r, REM_PHASES_RUN, false);
	const struct cg_result *lu = result_of(&r.rep, "acct.leftover-users");
	ck_assert_int_eq(lu->status, CG_SKIP);
	ck_assert_msg(has_reason(lu, "deprovision step"), "%s", lu->skip_reason);
	ck_assert_uint_eq(lu->nfindings, 1);
	ck_assert_str_eq(lu->findings[0].rule, "build-user");
	ck_assert_int_eq(result_of(&r.rep, "gen.agent-state")->status, CG_SKIP);
	ck_assert_str_eq(result_for(&r.rep, "/var/lib/waagent/ovf-env.xml"), "skipped");
	ck_assert_int_eq(access(ovf, F_OK), 0);
	ck_assert_int_eq(r.rep.verdict, CG_READY);
	run_done(&r);

	/* offline, every phase (fix --root on a disk): no deprovision step follows, the account blocks */
	run_access(&r, REM_PHASES_ALL, false);
	ck_assert_int_eq(result_of(&r.rep, "acct.leftover-users")->status, CG_FAIL);
	ck_assert_int_eq(r.rep.verdict, CG_BLOCKED);
	run_done(&r);

	/* live, fix --phase last: the keys and sudoers lines go, the account and ovf-env.xml stay for
	 * waagent, and the verdict is ready */
	fx_put(&fx, "/home/packer/.ssh/authorized_keys", "ssh-ed25519 AAAAC3Nza packer@build\n", 0600);
	run_access(&r, REM_PHASES_ALL, true);
	ck_assert_int_ne(access(keys, F_OK), 0);
	lu = result_of(&r.rep, "acct.leftover-users");
	ck_assert_int_eq(lu->status, CG_SKIP);
	ck_assert_msg(has_reason(lu, "left to the deprovision step"), "%s", lu->skip_reason);
	ck_assert_int_eq(result_of(&r.rep, "gen.build-user-access")->status, CG_PASS);
	ck_assert_int_eq(access(ovf, F_OK), 0);
	ck_assert_int_eq(r.rep.verdict, CG_READY);
	run_done(&r);

	/* without waagent in the image nothing reads ovf-env.xml later: the gate removes it */
	_cleanup_free_ char *wa = fx_path(&fx, "/usr/sbin/waagent");
	ck_assert_int_eq(unlink(wa), 0);
	run_access(&r, REM_PHASES_RUN, false);
	ck_assert_int_ne(access(ovf, F_OK), 0);
	ck_assert_int_eq(result_of(&r.rep, "gen.agent-state")->status, CG_PASS);
	run_done(&r);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		fix_changes_only_targets_and_verifies,
		hostile_traps_are_reported_and_left_alone,
		fifo_swapped_in_after_the_plan,
		dry_run_changes_nothing_and_phases_gate,
		removal_inside_a_removed_tree_is_not_a_failure,
		safe_request_wins_over_a_guarded_one,
		host_keys_need_a_regenerator_or_force,
		dropins_from_table_rule_and_argument,
		sshd_dropin_refused_when_it_cannot_win,
		sshd_dropin_vendor_layout,
		build_user_account_is_the_deprovision_steps,
	};

	return fx_run("remediate", setup, teardown, tests, ELEMENTSOF(tests));
}
