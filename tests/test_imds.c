/* SPDX-License-Identifier: Apache-2.0 */
/* os.base-image's IMDS client against a fake IMDS on 127.0.0.1 started here: trusted, untrusted
 * publisher, too old, timeout, garbage JSON; plus the judgement and version dates. Never the real
 * 169.254.169.254. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "imds.h"
#include "testutil.h"

struct fake {
	int lfd;
	unsigned short port;
	const char *body;  /* NULL: accept and never answer (timeout) */
	int status;
	char request[4096];
	pthread_t th;
};

static void *serve(void *ud)
{
	struct fake *f = ud;
	int c = accept(f->lfd, NULL, NULL);
	if (c < 0)
		return NULL;
	ssize_t n = read(c, f->request, sizeof f->request - 1);
	f->request[n > 0 ? n : 0] = 0;
	if (f->body) {
		char hdr[256];
		int hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
					  "Connection: close\r\n\r\n", f->status, strlen(f->body));
		if (write(c, hdr, (size_t)hl) < 0 || write(c, f->body, strlen(f->body)) < 0)
			perror("write");
	} else
		nanosleep(&(struct timespec){.tv_sec = 3}, NULL); /* a server that never answers in time */
	close(c);
	return NULL;
}

static void fake_start(struct fake *f, const char *body, int status)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;

	*f = (struct fake){.body = body, .status = status};
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(f->lfd, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(f->lfd, 1), 0);
	ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&a, &al), 0);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&f->th, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->lfd);
}

#define DOC(pub, ver) \
	"{\"location\":\"westeurope\",\"storageProfile\":{\"imageReference\":{\"publisher\":\"" pub "\"," \
	"\"offer\":\"debian-12\",\"sku\":\"12-gen2\",\"version\":\"" ver "\",\"id\":\"\"}}}"

static unsigned long long last_fetch_ms;

static enum imds_verdict ask(const char *body, int status, int *err, long timeout_ms)
{
	struct fake f;
	json_t *doc = NULL;
	_cleanup_free_ char *msg = NULL, *url = NULL;
	struct strv allow = {0};
	struct imds_image img;
	enum imds_verdict v = IMDS_MALFORMED;

	fake_start(&f, body, status);
	url = xasprintf("http://127.0.0.1:%u", f.port);
	setenv("http_proxy", "http://127.0.0.1:9", 1); /* must be ignored */
	unsigned long long t0 = util_now_ms();
	*err = imds_fetch_compute(url, timeout_ms, &doc, &msg);
	last_fetch_ms = util_now_ms() - t0;
	unsetenv("http_proxy");
	fake_stop(&f);
	if (*err == 0) {
		/* the request is the one Azure documents */
		ck_assert(strstr(f.request, "GET /metadata/instance/compute?api-version=2021-02-01 HTTP/1.1\r\n"));
		ck_assert(strstr(f.request, "\r\nMetadata: true\r\n"));
		strv_push(&allow, "Debian:debian-12:*");
		strv_push(&allow, "/subscriptions/*/galleries/golden/images/*");
		v = imds_judge(doc, &allow, 180, 1795000000 /* 2026-11-18 */, &img);
		imds_image_free(&img);
		strv_free(&allow);
		json_decref(doc);
	} else
		ck_assert_ptr_nonnull(msg);
	return v;
}

START_TEST(answers)
{
	int err;

	ck_assert_int_eq(ask(DOC("Debian", "0.20261001.1800"), 200, &err, 2000), IMDS_TRUSTED);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(ask(DOC("Sketchy", "0.20261001.1800"), 200, &err, 2000), IMDS_UNTRUSTED);
	ck_assert_int_eq(ask(DOC("Debian", "0.20230613.1397"), 200, &err, 2000), IMDS_TOO_OLD);
	ck_assert_int_eq(ask(DOC("Debian", "latest"), 200, &err, 2000), IMDS_NO_DATE);
	ask("{\"storageProfile\": {\"imageRef", 200, &err, 2000);
	ck_assert_int_eq(err, -EBADMSG);
	ask("[1,2]", 200, &err, 2000);
	ck_assert_int_eq(err, -EBADMSG);
	ask("{}", 400, &err, 2000);
	ck_assert_int_eq(err, -EPROTO);
	ask(NULL, 0, &err, 300);
	ck_assert_int_eq(err, -ETIMEDOUT);
	/* the 300 ms timeout is honoured, not the server's 3 s pace (with room for valgrind on a
	 * loaded machine) */
	ck_assert_uint_lt(last_fetch_ms, 2500);
}
END_TEST

START_TEST(gallery_and_dates)
{
	json_t *doc = json_loads("{\"storageProfile\":{\"imageReference\":{\"id\":\"/subscriptions/1/resourceGroups/g/providers/"
				 "Microsoft.Compute/galleries/golden/images/deb12/versions/2026.10.05\"}}}", 0, NULL);
	struct strv allow = {0};
	struct imds_image img;
	int y, m, d;

	strv_push(&allow, "/subscriptions/*/galleries/golden/images/*");
	ck_assert_int_eq(imds_judge(doc, &allow, 90, 1795000000, &img), IMDS_TRUSTED);
	ck_assert_str_eq(img.date, "2026-10-05");
	imds_image_free(&img);
	json_decref(doc);
	strv_free(&allow);
	ck_assert_int_eq(imds_version_date("22.04.202310040", &y, &m, &d), 0);
	ck_assert(y == 2023 && m == 10 && d == 4);
	ck_assert_int_eq(imds_version_date("1.0.0", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("0.20231399.1", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("0.20231013.1532", &y, &m, &d), 0);
	ck_assert(y == 2023 && m == 10 && d == 13);
	ck_assert_int_eq(imds_version_date("v2024.02.29-rc1", &y, &m, &d), 0);
	ck_assert(y == 2024 && m == 2 && d == 29);
	/* two digits per field, no sign or blank inside */
	ck_assert_int_eq(imds_version_date("2023.1.15", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("2023.10.1", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("2023. 1.15", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("2023.+1.15", &y, &m, &d), -ENOENT);
	ck_assert_int_eq(imds_version_date("2023.13.01", &y, &m, &d), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("imds");
	TCase *tc = tcase_create("imds");
	tcase_add_test(tc, answers);
	tcase_add_test(tc, gallery_and_dates);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
