/* SPDX-License-Identifier: Apache-2.0 */
/* redact-value: exactly the secret's bytes become the marker, every other byte stays; text files
 * only, spans checked against their line, and end to end through scan, plan and apply. */
#include <check.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixture.h"
#include "pipeline.h"
#include "remediate.h"

static struct fixture fx;

static void setup(void)
{
	fixture_init(&fx);
}

static void teardown(void)
{
	fixture_done(&fx);
}

/* Redact the text between the first "<<" and ">>" pairs (markers removed first) and compare. */
static void check_redact(const char *marked, const char *want)
{
	struct strbuf in = {0}, out = {0};
	struct rem_span sp[4];
	size_t n = 0;
	unsigned line = 1, col = 0;
	char *why = NULL;

	for (const char *p = marked; *p;) {
		if (strncmp(p, "<<", 2) == 0) {
			ck_assert_uint_lt(n, ELEMENTSOF(sp));
			sp[n] = (struct rem_span){.line = line, .col = col};
			p += 2;
			const char *e = strstr(p, ">>");
			ck_assert_ptr_nonnull(e);
			sp[n++].len = (unsigned)(e - p);
			strbuf_append(&in, p, (size_t)(e - p));
			col += (unsigned)(e - p);
			p = e + 2;
			continue;
		}
		strbuf_append(&in, p, 1);
		if (*p == '\n') {
			line++;
			col = 0;
		} else
			col++;
		p++;
	}
	ck_assert_int_eq(inplace_redact(in.buf, in.len, sp, n, &out, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(out.len, strlen(want));
	ck_assert_mem_eq(out.buf, want, out.len);
	strbuf_free(&in);
	strbuf_free(&out);
}

START_TEST(redacts_exactly_the_secret_bytes)
{
	/* JSON with a password value: still JSON */
	check_redact("{\n  \"db\": {\n    \"password\": \"<<Vq7pLm2zR9xKw4Tb>>\",\n    \"port\": 5432\n  }\n}\n",
		     "{\n  \"db\": {\n    \"password\": \"CAPGATE-REDACTED\",\n    \"port\": 5432\n  }\n}\n");
	/* YAML */
	check_redact("db:\n  user: app\n  password: <<Vq7pLm2zR9xKw4Tb>>  # rotated\n",
		     "db:\n  user: app\n  password: CAPGATE-REDACTED  # rotated\n");
	/* .env */
	check_redact("A=1\nDB_PASSWORD=<<Vq7pLm2zR9xKw4Tb>>\nB=2\n", "A=1\nDB_PASSWORD=CAPGATE-REDACTED\nB=2\n");
	/* a shell script with a SAS URL: the sig value only */
	check_redact("#!/bin/sh\nURL='https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z"
		     "&sig=<<Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0%3D>>'\ncurl \"$URL\"\n",
		     "#!/bin/sh\nURL='https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z"
		     "&sig=CAPGATE-REDACTED'\ncurl \"$URL\"\n");
	/* two secrets on one line */
	check_redact("curl -u ci:<<Tq8mWz3Kp2Rx>> -H 'X-Token: <<ghp_abcdefghijklmnopqrstuvwxyz0123456789>>' x\n",
		     "curl -u ci:CAPGATE-REDACTED -H 'X-Token: CAPGATE-REDACTED' x\n");
	/* CRLF line endings kept, the CR not part of the line */
	check_redact("[db]\r\npassword=<<Vq7pLm2zR9xKw4Tb>>\r\nhost=db\r\n", "[db]\r\npassword=CAPGATE-REDACTED\r\nhost=db\r\n");
	/* no final newline */
	check_redact("x=1\ntoken=<<Vq7pLm2zR9xKw4Tb>>", "x=1\ntoken=CAPGATE-REDACTED");
	/* a secret that is the whole line, at column 0 */
	check_redact("<<Vq7pLm2zR9xKw4Tb>>\nrest\n", "CAPGATE-REDACTED\nrest\n");
}
END_TEST

START_TEST(overlapping_spans_become_one_marker)
{
	static const char text[] = "k=abcdefghij\n";
	const struct rem_span sp[] = {{1, 2, 6}, {1, 4, 8}, {1, 2, 6}};
	struct strbuf out = {0};
	char *why = NULL;

	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, sp, ELEMENTSOF(sp), &out, &why), 0);
	ck_assert_str_eq(out.buf, "k=CAPGATE-REDACTED\n");
	strbuf_free(&out);
}
END_TEST

START_TEST(refuses_binary_and_spans_off_their_line)
{
	static const char bin[] = "password=Vq7pLm2zR9xKw4Tb\n\0\1\2";
	static const char text[] = "a=1\r\npassword=Vq7pLm2zR9xKw4Tb\r\n";
	struct strbuf out = {0};
	char *why = NULL;
	struct rem_span sp = {1, 9, 16};

	ck_assert_int_eq(inplace_redact(bin, sizeof bin - 1, &sp, 1, &out, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "NUL"));
	free(why);
	/* into the CR of line 2 */
	sp = (struct rem_span){2, 9, 17};
	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, &sp, 1, &out, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not inside line 2"));
	free(why);
	/* the exact span is fine */
	sp.len = 16;
	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, &sp, 1, NULL, &why), 0);
	/* a line the file does not have, and line 0 */
	sp = (struct rem_span){3, 0, 1};
	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, &sp, 1, NULL, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "line 3 is not in the file (2 lines)"));
	free(why);
	sp = (struct rem_span){0, 0, 1};
	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, &sp, 1, NULL, &why), -EINVAL);
	free(why);
	/* an empty span is no span */
	sp = (struct rem_span){1, 0, 0};
	ck_assert_int_eq(inplace_redact(text, sizeof text - 1, &sp, 1, NULL, &why), -EINVAL);
	free(why);
	ck_assert_uint_eq(out.len, 0);
	strbuf_free(&out);
}
END_TEST

static const char appsettings[] =
	"{\r\n  \"ConnectionStrings\": {\r\n"
	"    \"Default\": \"Server=tcp:db.internal,1433;Database=app;User Id=app;Password=Vq7pLm2zR9xKw4Tb;Encrypt=True;\"\r\n"
	"  },\r\n  \"Db\": { \"Password\": \"Hx4nQ8wZ2pL6tR9k\" }\r\n}";
static const char appsettings_redacted[] =
	"{\r\n  \"ConnectionStrings\": {\r\n"
	"    \"Default\": \"Server=tcp:db.internal,1433;Database=app;User Id=app;Password=CAPGATE-REDACTED;Encrypt=True;\"\r\n"
	"  },\r\n  \"Db\": { \"Password\": \"CAPGATE-REDACTED\" }\r\n}";
static const char deploy[] =
	"#!/bin/sh\nset -e\n"
	"URL='https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z"
	"&sig=Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0%3D'\ncurl -fsS -o /tmp/b \"$URL\"\n";
static const char deploy_redacted[] =
	"#!/bin/sh\nset -e\n"
	"URL='https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z"
	"&sig=CAPGATE-REDACTED'\ncurl -fsS -o /tmp/b \"$URL\"\n";

static void run_tokens(struct cg_ctx *ctx, struct cg_report *rep, bool force, const char *manifest)
{
	struct cg_selection sel = {.fail_on = -1};
	struct pipeline_opts o = {.remediate = true, .phases = REM_PHASES_ALL, .force = force, .manifest = manifest};

	ck_assert_int_eq(ctx_init(ctx, fx.root, NULL), 0);
	strv_push(&sel.only, "secrets.tokens");
	ck_assert_int_eq(pipeline_run(ctx, &sel, &o, rep), 0);
	strv_free(&sel.only);
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

START_TEST(fix_redacts_in_place_keeping_owner_mode_and_xattrs)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct stat st;
	_cleanup_free_ char *manifest = xasprintf("%s/manifest.json", fx.dir);
	_cleanup_free_ char *app = fx_path(&fx, "/opt/app/appsettings.json");
	_cleanup_free_ char *sh = fx_path(&fx, "/opt/app/deploy.sh");
	_cleanup_free_ char *bin = fx_path(&fx, "/opt/app/blob.dat");
	bool xattr = false;

	fx_put(&fx, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	fx_put(&fx, "/opt/app/appsettings.json", appsettings, 0640);
	fx_put(&fx, "/opt/app/deploy.sh", deploy, 0750);
	/* text with a secret, then NUL bytes: scanned, but not a file to rewrite */
	fx_put(&fx, "/opt/app/blob.dat", "DB_PASSWORD=Vq7pLm2zR9xKw4Tb\n", 0600);
	FILE *f = fopen(bin, "a");
	fwrite("\0\0\1\2", 1, 4, f);
	fclose(f);
	ck_assert_int_eq(chown(app, 1234, 4321), 0);
	/* an extended attribute, where the scratch file system has user ones */
	xattr = setxattr(sh, "user.capgate.test", "kept", 4, 0) == 0;

	/* guarded: nothing changes without --force */
	run_tokens(&ctx, &rep, false, NULL);
	ck_assert_str_eq(result_for(&rep, "/opt/app/appsettings.json"), "skipped");
	_cleanup_free_ char *a0 = fx_read(app);
	ck_assert_str_eq(a0, appsettings);
	scan_report_free(&rep);
	ctx_done(&ctx);

	run_tokens(&ctx, &rep, true, manifest);
	ck_assert_str_eq(result_for(&rep, "/opt/app/appsettings.json"), "done");
	ck_assert_str_eq(result_for(&rep, "/opt/app/deploy.sh"), "done");
	ck_assert_str_eq(result_for(&rep, "/opt/app/blob.dat"), "skipped");
	json_t *b = action_for(&rep, "/opt/app/blob.dat");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(b, "reason")), "NUL bytes"));
	/* both secrets of the file, one rewrite; the lines in arg */
	json_t *a = action_for(&rep, "/opt/app/appsettings.json");
	ck_assert_str_eq(json_string_value(json_object_get(a, "arg")), "3,5");
	ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "sha256_before")));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "sha256_after")));
	ck_assert_str_ne(json_string_value(json_object_get(a, "sha256_before")),
			 json_string_value(json_object_get(a, "sha256_after")));

	_cleanup_free_ char *a1 = fx_read(app);
	_cleanup_free_ char *s1 = fx_read(sh);
	ck_assert_str_eq(a1, appsettings_redacted);
	ck_assert_str_eq(s1, deploy_redacted);
	ck_assert_int_eq(stat(app, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_uint_eq(st.st_uid, 1234);
	ck_assert_uint_eq(st.st_gid, 4321);
	ck_assert_int_eq(stat(sh, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	if (xattr) {
		char v[8] = {0};
		ck_assert_int_eq(getxattr(sh, "user.capgate.test", v, sizeof v), 4);
		ck_assert_str_eq(v, "kept");
	}
	/* the rescan: no token left in the rewritten files */
	const struct cg_result *r = &rep.results[0];
	for (size_t i = 0; i < r->nfindings; i++)
		ck_assert_str_eq(r->findings[i].path, "/opt/app/blob.dat");

	/* the manifest: lines and hashes, never the secret */
	_cleanup_free_ char *m = fx_read(manifest);
	ck_assert_ptr_nonnull(strstr(m, "sha256_after"));
	ck_assert_ptr_null(strstr(m, "Vq7pLm2zR9xKw4Tb"));
	ck_assert_ptr_null(strstr(m, "Zk3%2BqH8vN2mR5tW9xY1aB4cD6eF7gJ0kL3nP5sQ8uV0"));
	scan_report_free(&rep);
	ctx_done(&ctx);

	/* a second fix changes nothing */
	run_tokens(&ctx, &rep, true, NULL);
	ck_assert_str_eq(result_for(&rep, "/opt/app/appsettings.json"), "none");
	_cleanup_free_ char *a2 = fx_read(app);
	ck_assert_str_eq(a2, appsettings_redacted);
	scan_report_free(&rep);
	ctx_done(&ctx);
}
END_TEST

START_TEST(apply_refuses_a_file_changed_since_the_plan)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct rem_opts o = {.phases = REM_PHASES_ALL, .force = true};
	struct rem_plan plan = {0};
	_cleanup_free_ char *env = fx_path(&fx, "/opt/app/.env");

	fx_put(&fx, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	fx_put(&fx, "/opt/app/.env", "A=1\nDB_PASSWORD=Vq7pLm2zR9xKw4Tb\n", 0600);
	strv_push(&sel.only, "secrets.tokens");
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	scan_run(&ctx, &sel, &rep);
	ck_assert_int_eq(remediate_plan(&ctx, &rep, &o, &plan), 0);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_int_eq(plan.v[0].state, REM_PLANNED);
	ck_assert_uint_eq(plan.v[0].nspans, 1);
	ck_assert_uint_eq(plan.v[0].spans[0].line, 2);
	ck_assert_uint_eq(plan.v[0].spans[0].col, 12);
	ck_assert_uint_eq(plan.v[0].spans[0].len, 16);
	/* the same inode, other content: another line now holds those bytes */
	FILE *f = fopen(env, "r+");
	fputs("#", f);
	fclose(f);
	ck_assert_uint_eq(remediate_apply(&ctx, &plan, &o), 1);
	ck_assert_int_eq(plan.v[0].state, REM_FAILED);
	ck_assert_ptr_nonnull(strstr(plan.v[0].reason, "changed since the plan"));
	_cleanup_free_ char *c = fx_read(env);
	ck_assert_str_eq(c, "#=1\nDB_PASSWORD=Vq7pLm2zR9xKw4Tb\n");
	remediate_plan_free(&plan);
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
}
END_TEST

START_TEST(no_redaction_of_a_file_another_check_removes)
{
	struct cg_ctx ctx;
	struct cg_report rep;
	struct cg_selection sel = {.fail_on = -1};
	struct pipeline_opts o = {.remediate = true, .phases = REM_PHASES_ALL, .force = true};
	size_t i;
	json_t *a;
	bool seen = false;

	/* bob was removed with userdel: his home goes (forced), and it sorts after the redaction */
	fx_put(&fx, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
	fx_put(&fx, "/home/bob/app/.env", "DB_PASSWORD=Vq7pLm2zR9xKw4Tb\n", 0600);
	ck_assert_int_eq(ctx_init(&ctx, fx.root, NULL), 0);
	strv_push(&sel.only, "secrets.tokens");
	strv_push(&sel.only, "secrets.orphaned-homes");
	ck_assert_int_eq(pipeline_run(&ctx, &sel, &o, &rep), 0);
	/* whichever check sorts first, the file is removed and never rewritten */
	json_array_foreach(rep.actions, i, a)
		if (streq(json_string_value(json_object_get(a, "action")), "redact-value")) {
			seen = true;
			ck_assert_str_eq(json_string_value(json_object_get(a, "result")), "skipped");
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(a, "reason")), "removed with"));
		}
	ck_assert(seen);
	_cleanup_free_ char *home = fx_path(&fx, "/home/bob");
	ck_assert_int_eq(access(home, F_OK), -1);
	scan_report_free(&rep);
	ctx_done(&ctx);
	strv_free(&sel.only);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		redacts_exactly_the_secret_bytes,
		overlapping_spans_become_one_marker,
		refuses_binary_and_spans_off_their_line,
		fix_redacts_in_place_keeping_owner_mode_and_xattrs,
		apply_refuses_a_file_changed_since_the_plan,
		no_redaction_of_a_file_another_check_removes,
	};

	return fx_run("inplace", setup, teardown, tests, ELEMENTSOF(tests));
}
