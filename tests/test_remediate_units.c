/* SPDX-License-Identifier: Apache-2.0 */
/* Offline unit actions make the same symlink changes as the real `systemctl --root`. */
#include <check.h>
#include <sys/stat.h>

#include "fixture.h"
#include "remediate.h"

static const char foo_service[] =
	"[Unit]\nDescription=foo\n[Service]\nExecStart=/bin/true\n"
	"[Install]\nWantedBy=multi-user.target\nRequiredBy=network.target\nAlias=bar.service\nAlso=foo.socket\n";
static const char foo_socket[] = "[Socket]\nListenStream=1234\n[Install]\nWantedBy=sockets.target\n";
static const char other_service[] = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n";

static int sh(const char *fmt, const char *a, const char *b) _printf_(1, 0);
static int sh(const char *fmt, const char *a, const char *b)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	_cleanup_free_ char *cmd = xasprintf(fmt, a, b);
#pragma GCC diagnostic pop
	return system(cmd);
}

/* Two identical trees with foo and other enabled by the real systemctl. */
static void twin_trees(struct fixture *fa, struct fixture *fb)
{
	fixture_init(fa);
	fixture_init(fb);
	fx_put(fa, "/usr/lib/systemd/system/foo.service", foo_service, 0644);
	fx_put(fa, "/usr/lib/systemd/system/foo.socket", foo_socket, 0644);
	fx_put(fa, "/usr/lib/systemd/system/other.service", other_service, 0644);
	fx_mkdir(fa, "/etc/systemd/system");
	ck_assert_int_eq(sh("systemctl --root='%s' enable foo.service other.service >/dev/null 2>&1%s", fa->root, ""), 0);
	_cleanup_free_ char *cp = xasprintf("rm -rf '%s' && cp -a '%s' '%s'", fb->root, fa->root, fb->root);
	ck_assert_int_eq(system(cp), 0);
}

static void act(struct fixture *fx, const char *action, const char *unit)
{
	struct cg_ctx ctx;
	struct rem_opts o = {0};
	struct rem_item it = {
		.action = remediate_action_find(action, strlen(action)), .arg = xstrdup(unit),
		.path = xasprintf("/etc/systemd/system/%s", unit),
	};

	ck_assert_int_eq(ctx_init(&ctx, fx->root, NULL), 0);
	ck_assert_int_eq(ctx.mode, CG_MODE_OFFLINE);
	ck_assert_int_eq(it.action->apply(&ctx, &it, &o), 0);
	free(it.arg);
	free(it.path);
	free(it.reason);
	ctx_done(&ctx);
}

static void assert_same_etc(struct fixture *fa, struct fixture *fb)
{
	struct strv a = {0}, b = {0};
	_cleanup_free_ char *ea = fx_path(fa, "/etc");
	_cleanup_free_ char *eb = fx_path(fb, "/etc");
	_cleanup_free_ char *diff = NULL;

	fx_digest(ea, &a);
	fx_digest(eb, &b);
	ck_assert_uint_gt(a.n, 2);
	ck_assert_msg(fx_diff(&a, &b, &diff) == 0, "capgate and systemctl --root differ: %s", diff);
	strv_free(&a);
	strv_free(&b);
}

START_TEST(disable_like_systemctl)
{
	struct fixture a, b;
	twin_trees(&a, &b);
	ck_assert_int_eq(sh("systemctl --root='%s' disable foo.service >/dev/null 2>&1%s", a.root, ""), 0);
	act(&b, "disable-unit", "foo.service");
	assert_same_etc(&a, &b);
	/* other.service stays enabled in both */
	_cleanup_free_ char *o = fx_path(&b, "/etc/systemd/system/multi-user.target.wants/other.service");
	struct stat st;
	ck_assert_int_eq(lstat(o, &st), 0);
	fixture_done(&a);
	fixture_done(&b);
}
END_TEST

START_TEST(mask_like_systemctl)
{
	struct fixture a, b;
	twin_trees(&a, &b);
	ck_assert_int_eq(sh("systemctl --root='%s' mask foo.service >/dev/null 2>&1%s", a.root, ""), 0);
	act(&b, "mask-unit", "foo.service");
	assert_same_etc(&a, &b);
	/* masking twice is a no-op in both */
	ck_assert_int_eq(sh("systemctl --root='%s' mask foo.service >/dev/null 2>&1%s", a.root, ""), 0);
	act(&b, "mask-unit", "foo.service");
	assert_same_etc(&a, &b);
	fixture_done(&a);
	fixture_done(&b);
}
END_TEST

START_TEST(disable_then_mask_like_systemctl)
{
	struct fixture a, b;
	twin_trees(&a, &b);
	ck_assert_int_eq(sh("systemctl --root='%s' disable other.service >/dev/null 2>&1 && systemctl --root='%s' mask other.service >/dev/null 2>&1", a.root, a.root), 0);
	act(&b, "disable-unit", "other.service");
	act(&b, "mask-unit", "other.service");
	assert_same_etc(&a, &b);
	fixture_done(&a);
	fixture_done(&b);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		disable_like_systemctl,
		mask_like_systemctl,
		disable_then_mask_like_systemctl,
	};

	if (system("systemctl --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "systemctl not installed; the comparison needs the real one\n");
		return 77;
	}
	return fx_run("units", NULL, NULL, tests, ELEMENTSOF(tests));
}
