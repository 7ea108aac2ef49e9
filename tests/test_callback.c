/* SPDX-License-Identifier: Apache-2.0 */
/* callback.c: the signature (RFC 4231 vector), options from config, refusal of odd URLs. */
#include <sys/stat.h>

#include "callback.h"
#include "testutil.h"

START_TEST(hmac_sha256_known_answer)
{
	/* the signed text is RUN "." TIMESTAMP "." BODY; the answer is Python's
	 * hmac.new(b"Jefe", b"r1.1700000000.{}", hashlib.sha256) */
	char sig[72], other[72];
	const char *body = "{}";
	ck_assert_int_eq(callback_sign("Jefe", "r1", 1700000000LL, body, strlen(body), sig), 0);
	ck_assert_str_eq(sig, "sha256=02a6f763bb3e828c586c21b1789750d3c7afe2238dc24b20b5ddb575e42c366e");
	/* the run and the time are signed: another run or another second is another signature */
	ck_assert_int_eq(callback_sign("Jefe", "r2", 1700000000LL, body, strlen(body), other), 0);
	ck_assert_str_ne(sig, other);
	ck_assert_int_eq(callback_sign("Jefe", "r1", 1700000001LL, body, strlen(body), other), 0);
	ck_assert_str_ne(sig, other);
}
END_TEST

START_TEST(options_from_config)
{
	_cleanup_free_ char *dir = tu_scratch();
	_cleanup_free_ char *secret = tu_path(dir, "secret");
	_cleanup_free_ char *doc = xasprintf("{\"callback\": {\"url\": \"https://127.0.0.1:9/hook\", \"secret_file\": \"%s\","
					     " \"attempts\": 3, \"backoff\": \"250ms\", \"timeout\": \"2s\"}}", secret);
	struct cg_config cfg;
	struct callback_opts o;
	char *err = NULL;

	unsetenv("CAPGATE_CALLBACK_SECRET");
	tu_write(dir, "secret", "s3cret\n", 0600);
	config_init(&cfg);
	ck_assert_int_eq(config_load_text(&cfg, "t.json", doc, strlen(doc), &err), 0);
	ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), 0);
	ck_assert_str_eq(o.url, "https://127.0.0.1:9/hook");
	ck_assert_str_eq(o.secret, "s3cret");
	ck_assert_uint_eq(o.attempts, 3);
	ck_assert_uint_eq(o.backoff_ms, 250);
	ck_assert_uint_eq(o.timeout_ms, 2000);
	callback_opts_free(&o);
	/* --signal overrides the configured URL; a non-HTTP URL is refused */
	ck_assert_int_eq(callback_opts_from_config(&cfg, "http://127.0.0.1:1/x", &o, &err), 0);
	ck_assert_str_eq(o.url, "http://127.0.0.1:1/x");
	callback_opts_free(&o);
	ck_assert_int_eq(callback_opts_from_config(&cfg, "file:///etc/shadow", &o, &err), -EINVAL);
	ck_assert(strstr(err, "file:///etc/shadow") != NULL);
	free(err);
	err = NULL;
	/* an empty secret file is an error, not an unsigned POST */
	tu_write(dir, "secret", "\n", 0600);
	ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), -EBADMSG);
	ck_assert(strstr(err, secret) != NULL);
	free(err);
	config_free(&cfg);

	/* a secret file others can read is refused; so is no secret, unless callback.unsigned */
	config_init(&cfg);
	ck_assert_int_eq(config_load_text(&cfg, "t.json", doc, strlen(doc), &err), 0);
	tu_write(dir, "secret", "s3cret\n", 0644);
	chmod(secret, 0644);
	ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), -EPERM);
	ck_assert(strstr(err, "0600") != NULL);
	free(err);
	err = NULL;
	config_free(&cfg);
	{
		const char *nosecret = "{\"callback\": {\"url\": \"https://127.0.0.1:9/hook\"}}";
		const char *allowed = "{\"callback\": {\"url\": \"https://127.0.0.1:9/hook\", \"unsigned\": true}}";
		const char *plain = "{\"callback\": {\"url\": \"http://user:hunter2@hooks.example.com/x\", \"unsigned\": true}}";
		config_init(&cfg);
		ck_assert_int_eq(config_load_text(&cfg, "t.json", nosecret, strlen(nosecret), &err), 0);
		ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), -ENOKEY);
		ck_assert(strstr(err, "callback.unsigned") != NULL);
		free(err);
		err = NULL;
		config_free(&cfg);
		config_init(&cfg);
		ck_assert_int_eq(config_load_text(&cfg, "t.json", allowed, strlen(allowed), &err), 0);
		ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), 0);
		ck_assert_ptr_null(o.secret);
		callback_opts_free(&o);
		config_free(&cfg);
		/* plain http off this machine: refused, and the password is not in the message */
		config_init(&cfg);
		ck_assert_int_eq(config_load_text(&cfg, "t.json", plain, strlen(plain), &err), 0);
		ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), -EINVAL);
		ck_assert_msg(strstr(err, "https://") != NULL && strstr(err, "hunter2") == NULL, "%s", err);
		free(err);
		err = NULL;
		config_free(&cfg);
	}
	{
		_cleanup_free_ char *l = callback_url_for_log("https://user:pa@ss@hooks.example.com:8443/x?y=1");
		ck_assert_str_eq(l, "https://***@hooks.example.com:8443/x?y=1");
		_cleanup_free_ char *m = callback_url_for_log("https://hooks.example.com/a@b");
		ck_assert_str_eq(m, "https://hooks.example.com/a@b");
	}

	/* no callback configured */
	config_init(&cfg);
	ck_assert_int_eq(callback_opts_from_config(&cfg, NULL, &o, &err), 0);
	ck_assert_ptr_null(o.url);
	config_free(&cfg);
	tu_rm_rf(dir);
}
END_TEST

START_TEST(unreachable_receiver_is_retried_a_bounded_number_of_times)
{
	/* nothing listens on port 1 of loopback: every attempt fails, bounded by attempts */
	struct callback_opts o = {.url = "http://127.0.0.1:1/hook", .attempts = 3, .backoff_ms = 50, .timeout_ms = 1000};
	unsigned long long t0 = util_now_ms();
	ck_assert_int_lt(callback_post(&o, "{}", 2), 0);
	/* 3 attempts with 50 + 100 ms between them */
	ck_assert(util_now_ms() - t0 >= 150);
	/* bounded: three refused connections and their backoff, not a retry loop (a generous bound:
	 * valgrind on a loaded machine) */
	ck_assert(util_now_ms() - t0 < 20000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("callback");
	TCase *tc = tcase_create("callback");
	tcase_add_test(tc, hmac_sha256_known_answer);
	tcase_add_test(tc, options_from_config);
	tcase_add_test(tc, unreachable_receiver_is_retried_a_bounded_number_of_times);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
