/* SPDX-License-Identifier: Apache-2.0 */
/* firewalld zones: the XML as firewalld reads it (target, all-port ranges, rich rules that accept
 * from anywhere), DTDs and entities refused, /etc over /usr/lib, the stock zones' built-in
 * targets, DefaultZone; and what fw.default-deny and fw.no-open-any-any make of them. */
#include "hsys_test.h"

#include "fwzone.h"

static char *root;

static void setup(void)
{
	root = tu_scratch();
	tu_write(root, "usr/lib/systemd/system/firewalld.service",
		 "[Service]\nExecStart=/usr/sbin/firewalld --nofork\n[Install]\nWantedBy=multi-user.target\n", 0644);
	tu_symlink(root, "etc/systemd/system/multi-user.target.wants/firewalld.service",
		   "/usr/lib/systemd/system/firewalld.service");
	/* firewalld 1.2's public.xml as RHEL 9 ships it */
	tu_write(root, "usr/lib/firewalld/zones/public.xml",
		 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<zone>\n  <short>Public</short>\n"
		 "  <service name=\"ssh\"/>\n  <service name=\"dhcpv6-client\"/>\n  <forward/>\n</zone>\n", 0644);
}

static void teardown(void)
{
	tu_rm_rf(root);
	free(root);
}

static int parse(struct fwzone *z, const char *xml)
{
	return fwzone_parse(z, "z", "/etc/firewalld/zones/z.xml", xml, strlen(xml));
}

START_TEST(zone_xml)
{
	struct fwzone z;

	ck_assert_int_eq(parse(&z, "<?xml version=\"1.0\"?>\n<zone target=\"ACCEPT\">\n<short>x</short>\n"
				   "<port port=\"1-65535\" protocol=\"tcp\"/>\n<port port=\"22\" protocol=\"tcp\"/>\n"
				   "<rule family=\"ipv4\">\n  <accept/>\n</rule>\n"
				   "<rule><source address=\"10.0.0.0/8\"/><accept/></rule>\n"
				   "<rule><port port=\"0-65535\" protocol=\"udp\"/><accept/></rule>\n"
				   "<rule><service name=\"http\"/><accept/></rule>\n<rule><drop/></rule>\n</zone>\n"), 0);
	ck_assert(fwzone_accepts_all(&z));
	ck_assert_uint_eq(z.target_line, 2);
	ck_assert_uint_eq(z.nopen, 3);
	ck_assert_str_eq(z.open[0].what, "port 1-65535/tcp");
	ck_assert_uint_eq(z.open[0].line, 4);
	ck_assert_str_eq(z.open[1].what, "rule accept");
	ck_assert_uint_eq(z.open[1].line, 6);
	ck_assert_str_eq(z.open[2].what, "rule port 0-65535/udp accept");
	fwzone_free(&z);

	ck_assert_int_eq(parse(&z, "<zone target=\"%%REJECT%%\"/>"), 0);
	ck_assert(!fwzone_accepts_all(&z));
	fwzone_free(&z);
	/* errors name the line and the reason */
	ck_assert_int_eq(parse(&z, "<zone>\n<port port=\"22\"\n</zone>"), -EBADMSG);
	ck_assert_msg(startswith(z.error, "line 3: "), "%s", z.error);
	fwzone_free(&z);
	ck_assert_int_eq(parse(&z, "<service/>"), -EBADMSG);
	ck_assert_str_eq(z.error, "line 1: the root element is not <zone>");
	fwzone_free(&z);
	ck_assert_int_eq(parse(&z, ""), -EBADMSG);
	fwzone_free(&z);
	/* a DTD, an entity: refused before any expansion (billion laughs) */
	ck_assert_int_eq(parse(&z, "<?xml version=\"1.0\"?>\n<!DOCTYPE zone [<!ENTITY a \"aaaaaaaa\">"
				   "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<zone target=\"&b;\"/>"), -EBADMSG);
	ck_assert_msg(strstr(z.error, "DOCTYPE"), "%s", z.error);
	fwzone_free(&z);
	/* nesting is bounded */
	struct strbuf deep = {0};
	strbuf_puts(&deep, "<zone>");
	for (int i = 0; i < 100; i++)
		strbuf_puts(&deep, "<a>");
	ck_assert_int_eq(parse(&z, deep.buf), -EBADMSG);
	ck_assert_msg(strstr(z.error, "nested too deeply"), "%s", z.error);
	fwzone_free(&z);
	strbuf_free(&deep);
}
END_TEST

START_TEST(load_order_and_default)
{
	struct safefs fs;
	struct fwzone z;
	char *name;
	unsigned line;

	ck_assert_int_eq(safefs_init(&fs, root), 0);
	ck_assert_int_eq(fwzone_default(&fs, &name, &line), 0);
	ck_assert_str_eq(name, "public");
	ck_assert_uint_eq(line, 0);
	free(name);
	tu_write(root, "etc/firewalld/firewalld.conf", "# DefaultZone=work\nDefaultZone=public\nDefaultZone= trusted \n", 0644);
	ck_assert_int_eq(fwzone_default(&fs, &name, &line), 0);
	ck_assert_str_eq(name, "trusted");
	ck_assert_uint_eq(line, 3);
	free(name);
	/* the package's file, then the admin's copy over it */
	ck_assert_int_eq(fwzone_load(&fs, "public", &z), 0);
	ck_assert_str_eq(z.path, "/usr/lib/firewalld/zones/public.xml");
	ck_assert_str_eq(z.target, "default");
	fwzone_free(&z);
	tu_write(root, "etc/firewalld/zones/public.xml", "<zone target=\"ACCEPT\"/>", 0644);
	ck_assert_int_eq(fwzone_load(&fs, "public", &z), 0);
	ck_assert_str_eq(z.path, "/etc/firewalld/zones/public.xml");
	ck_assert(fwzone_accepts_all(&z));
	fwzone_free(&z);
	/* a stock zone without its file has its built-in target; an unknown one is not there */
	ck_assert_int_eq(fwzone_load(&fs, "trusted", &z), 0);
	ck_assert_ptr_null(z.path);
	ck_assert(fwzone_accepts_all(&z));
	fwzone_free(&z);
	ck_assert_int_eq(fwzone_load(&fs, "nosuch", &z), -ENOENT);
	ck_assert_int_eq(fwzone_load(&fs, "../../etc/passwd", &z), -EINVAL);
	safefs_done(&fs);
}
END_TEST

START_TEST(checks_on_firewalld)
{
	struct tu_scan t;
	const struct cg_result *r;

	HS_STATUS(root, "fw.present-enabled", NULL, CG_PASS);
	HS_STATUS(root, "fw.default-deny", NULL, CG_PASS);
	HS_STATUS(root, "fw.no-open-any-any", NULL, CG_PASS);

	/* DefaultZone=trusted: everything in, said at firewalld.conf's line */
	tu_write(root, "etc/firewalld/firewalld.conf", "DefaultZone=trusted\n", 0644);
	r = hs_scan(&t, root, "fw.default-deny", NULL);
	ck_assert_int_eq(r->status, CG_FAIL);
	ck_assert_str_eq(r->findings[0].path, FWZONE_CONF);
	ck_assert_uint_eq(r->findings[0].line, 1);
	ck_assert_str_eq(r->findings[0].evidence, "trusted");
	tu_scan_free(&t);

	/* the admin's public.xml with target ACCEPT, an all-ports range and an open rich rule in
	 * another zone of /etc */
	tu_write(root, "etc/firewalld/firewalld.conf", "DefaultZone=public\n", 0644);
	tu_write(root, "etc/firewalld/zones/public.xml", "<?xml version=\"1.0\"?>\n<zone target=\"ACCEPT\">\n"
		 "  <service name=\"ssh\"/>\n  <port port=\"1-65535\" protocol=\"tcp\"/>\n</zone>\n", 0644);
	tu_write(root, "etc/firewalld/zones/build.xml", "<zone>\n<rule>\n<accept/>\n</rule>\n</zone>\n", 0644);
	r = hs_scan(&t, root, "fw.default-deny", NULL);
	ck_assert_uint_eq(r->nfindings, 1);
	ck_assert_str_eq(r->findings[0].path, "/etc/firewalld/zones/public.xml");
	ck_assert_uint_eq(r->findings[0].line, 2);
	tu_scan_free(&t);
	r = hs_scan(&t, root, "fw.no-open-any-any", NULL);
	ck_assert_uint_eq(r->nfindings, 2);
	ck_assert(tu_has_finding(r, "/etc/firewalld/zones/public.xml"));
	ck_assert(tu_has_finding(r, "/etc/firewalld/zones/build.xml"));
	tu_scan_free(&t);

	/* an unknown default zone: firewalld uses public; a zone file that is not XML is an error
	 * naming the file and line */
	tu_write(root, "etc/firewalld/firewalld.conf", "DefaultZone=nosuch\n", 0644);
	tu_write(root, "etc/firewalld/zones/build.xml", "<zone>\n<rule>\n</zone>\n", 0644);
	r = hs_scan(&t, root, "fw.no-open-any-any", NULL);
	ck_assert_int_eq(r->status, CG_ERROR);
	tu_scan_free(&t);
	r = hs_scan(&t, root, "fw.default-deny", NULL);
	ck_assert(hs_has_rule(r, "unknown-zone"));
	tu_scan_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fwzone");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, zone_xml);
	tcase_add_test(tc, load_order_and_default);
	tcase_add_test(tc, checks_on_firewalld);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
