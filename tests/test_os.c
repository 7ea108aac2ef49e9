/* SPDX-License-Identifier: Apache-2.0 */
/* os.*: end of life from os-release and the shipped distro-info-data, provenance from APT lists,
 * and os.base-image end to end (live context, config, fake IMDS on 127.0.0.1). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "distroinfo.h"
#include "hsys_test.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

START_TEST(release_support)
{
	char today[11];

	distroinfo_today(today);
	tu_write(root, "usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"16.04\"\nVERSION_CODENAME=xenial\n", 0644);
	tu_symlink(root, "etc/os-release", "../usr/lib/os-release");
	HS_STATUS(root, "os.release-eol", NULL, strcmp(today, "2026-04-23") > 0 ? CG_FAIL : CG_PASS);
	tu_write(root, "usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\nVERSION_CODENAME=noble\n", 0644);
	HS_STATUS(root, "os.release-eol", NULL, CG_PASS);
	HS_STATUS(root, "os.release-extended-support", NULL, strcmp(today, "2029-05-31") > 0 ? CG_FAIL : CG_PASS);
	/* Debian 12: regular support ended 2026-07-11, LTS until 2028-06-30. Extended support is a
	 * low warning: the verdict stays ready under the default fail_on (medium) */
	tu_write(root, "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n", 0644);
	{
		struct tu_scan t;
		int after_eol = strcmp(today, "2026-07-11"), after_lts = strcmp(today, "2028-06-30");
		tu_scan_with(&t, root, NULL, NULL, "os.release-extended-support");
		const struct cg_result *r = tu_result(&t.rep, "os.release-extended-support");
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->check->severity, CG_SEV_LOW);
		if (after_eol > 0 && after_lts < 0)
			ck_assert_int_eq(r->status, CG_FAIL);
		else if (after_eol < 0 || after_lts > 0) /* the boundary days are the data's to define */
			ck_assert_int_eq(r->status, CG_PASS);
		ck_assert_int_eq(t.rep.verdict, CG_READY);
		tu_scan_free(&t);
	}
	tu_write(root, "usr/lib/os-release", "ID=debian\nVERSION_ID=\"99\"\nVERSION_CODENAME=nonesuch\n", 0644);
	HS_STATUS(root, "os.release-eol", NULL, CG_FAIL); /* unknown to the data: said so */
	tu_write(root, "usr/lib/os-release", "ID=fedora\nVERSION_ID=40\n", 0644);
	HS_STATUS(root, "os.release-eol", NULL, CG_SKIP);
}
END_TEST

START_TEST(provenance)
{
	const char *status = "Package: curl\nStatus: install ok installed\nVersion: 7.88.1-10+deb12u5\n\n"
			     "Package: mytool\nStatus: install ok installed\nVersion: 1.0\n\n"
			     "Package: patched\nStatus: install ok installed\nVersion: 2.0-1+local1\n\n"
			     /* capgate itself, installed from the build's .deb: known, not foreign */
			     "Package: capgate\nStatus: install ok installed\nVersion: 0.1.0\n\n"
			     "Package: linux-image-6.1.0-28-cloud-amd64\nStatus: install ok installed\nVersion: 6.1.119-1\nArchitecture: amd64\n\n";
	tu_write(root, "var/lib/dpkg/status", status, 0644);
	HS_STATUS(root, "os.foreign-packages", NULL, CG_SKIP); /* no lists */
	tu_write(root, "var/lib/apt/lists/m_debian_dists_bookworm_main_binary-amd64_Packages",
		 "Package: curl\nVersion: 7.88.1-10+deb12u8\nArchitecture: amd64\n\nPackage: patched\nSource: p\nVersion: 2.0-1\n\n"
		 "Package: linux-image-6.1.0-28-cloud-amd64\nVersion: 6.1.119-1\n", 0644);
	struct tu_scan t;
	const struct cg_result *r = hs_scan(&t, root, "os.foreign-packages", NULL);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(hs_has_rule(r, "mytool") && hs_has_rule(r, "patched") && !hs_has_rule(r, "capgate"));
	tu_scan_free(&t);
	HS_STATUS(root, "os.foreign-packages", "{\"hardening\": {\"allow_packages\": [\"mytool\", \"patch*\"]}}", CG_PASS);

	tu_write(root, "var/lib/dpkg/info/linux-image-6.1.0-28-cloud-amd64.list",
		 "/.\n/boot\n/boot/vmlinuz-6.1.0-28-cloud-amd64\n", 0644);
	tu_write(root, "boot/vmlinuz-6.1.0-28-cloud-amd64", "kernel", 0644);
	HS_STATUS(root, "os.kernel-from-distro", NULL, CG_PASS);
	tu_write(root, "boot/vmlinuz-6.6.6-custom", "kernel", 0644);
	r = hs_scan(&t, root, "os.kernel-from-distro", NULL);
	ck_assert(tu_has_finding(r, "/boot/vmlinuz-6.6.6-custom"));
	tu_scan_free(&t);
}
END_TEST

/* a one-shot fake IMDS on 127.0.0.1 */
struct fake {
	int lfd;
	const char *body;
	pthread_t th;
};

static void *serve(void *ud)
{
	struct fake *f = ud;
	char req[4096], hdr[256];
	int c = accept(f->lfd, NULL, NULL);
	if (c < 0)
		return NULL;
	if (read(c, req, sizeof req) > 0) {
		int n = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", strlen(f->body));
		if (write(c, hdr, (size_t)n) < 0 || write(c, f->body, strlen(f->body)) < 0)
			perror("write");
	}
	close(c);
	return NULL;
}

static unsigned short fake_start(struct fake *f, const char *body)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	f->body = body;
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(f->lfd, 1), 0);
	ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&a, &al), 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, serve, f), 0);
	return ntohs(a.sin_port);
}

START_TEST(base_image)
{
	struct fake f;
	struct tu_scan t;
	const struct cg_result *r;

	/* offline: skipped with the reason */
	r = hs_scan(&t, root, "os.base-image", "{\"base_image\": {\"query\": \"always\", \"imds_url\": \"http://127.0.0.1:9\"}}");
	ck_assert_int_eq(r->status, CG_SKIP);
	ck_assert(strstr(r->skip_reason, "offline"));
	tu_scan_free(&t);
	/* live ("/"), not an Azure VM, query auto: skipped, nothing sent */
	r = hs_scan(&t, "/", "os.base-image", "{\"base_image\": {\"imds_url\": \"http://127.0.0.1:9\"}}");
	ck_assert_int_eq(r->status, CG_SKIP);
	ck_assert(strstr(r->skip_reason, "not an Azure VM"));
	tu_scan_free(&t);
	/* live, config asks: the fake answers with an untrusted publisher */
	unsigned short port = fake_start(&f, "{\"storageProfile\":{\"imageReference\":{\"publisher\":\"Evil\",\"offer\":\"x\","
					     "\"sku\":\"y\",\"version\":\"0.20261101.1\"}}}");
	_cleanup_free_ char *cfg = xasprintf("{\"base_image\": {\"query\": \"always\", \"imds_url\": \"http://127.0.0.1:%u\", "
					     "\"timeout\": \"1s\", \"allow\": [\"Debian:*\"], \"max_age_days\": 90}}", port);
	r = hs_scan(&t, "/", "os.base-image", cfg);
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert(hs_has_rule(r, "untrusted"));
	ck_assert(strstr(r->findings[0].message, "Evil:x:y:0.20261101.1"));
	tu_scan_free(&t);
	pthread_join(f.th, NULL);
	close(f.lfd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("os");
	TCase *tc = tcase_create("os");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, release_support);
	tcase_add_test(tc, provenance);
	tcase_add_test(tc, base_image);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
