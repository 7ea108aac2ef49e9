/* SPDX-License-Identifier: Apache-2.0 */
/* checks/parse/cloudcfg.c: YAML through libyaml, merged in cloud-init's order and precedence. */
#include "cloudcfg.h"
#include "testutil.h"

static struct cloudcfg_node *parse(const char *text, const char *path)
{
	char *err = NULL;
	unsigned line = 0;
	struct cloudcfg_node *n = cloudcfg_parse(text, strlen(text), path, &err, &line);
	ck_assert_msg(n, "%s:%u: %s", path, line, err);
	return n;
}

START_TEST(parse_shapes)
{
	struct cloudcfg c = {0};

	cloudcfg_merge(&c, "/a.cfg", parse("#cloud-config\ndatasource_list: [ Azure, None ]\n"
					   "datasource:\n  Azure:\n    apply_network_config: false\nempty:\nanchor: &x [1]\nalias: *x\n",
					   "/a.cfg"));
	const struct cloudcfg_node *ds = cloudcfg_get(&c, "datasource_list");
	ck_assert_int_eq(ds->type, CLOUDCFG_SEQ);
	ck_assert_uint_eq(ds->line, 2);
	ck_assert(cloudcfg_contains(ds, "Azure"));
	ck_assert(!cloudcfg_contains(ds, "azure"));
	ck_assert_str_eq(cloudcfg_get(&c, "datasource.Azure.apply_network_config")->scalar, "false");
	ck_assert_int_eq(cloudcfg_get(&c, "empty")->type, CLOUDCFG_NULL);
	ck_assert_int_eq(cloudcfg_get(&c, "alias")->type, CLOUDCFG_NULL); /* aliases are not expanded */
	ck_assert_ptr_null(cloudcfg_get(&c, "datasource.Azure.nope"));
	ck_assert_ptr_null(cloudcfg_get(&c, "datasource_list.Azure"));
	cloudcfg_free(&c);
}
END_TEST

/* read_conf_with_confd(): cloud.cfg.d in reverse order first, cloud.cfg last; the first source
 * keeps a key, maps merge key by key */
START_TEST(merge_precedence)
{
	struct cloudcfg c = {0};

	cloudcfg_merge(&c, "/etc/cloud/cloud.cfg.d/99-installer.cfg",
		       parse("datasource_list: [ None ]\ndatasource:\n  None:\n    userdata_raw: x\n", "/99"));
	cloudcfg_merge(&c, "/etc/cloud/cloud.cfg.d/90_dpkg.cfg",
		       parse("datasource_list: [ Azure ]\ndatasource:\n  Azure:\n    timeout: 5\n", "/90"));
	cloudcfg_merge(&c, "/etc/cloud/cloud.cfg", parse("datasource_list: [ NoCloud ]\nusers: [default]\n", "/c"));
	const struct cloudcfg_node *ds = cloudcfg_get(&c, "datasource_list");
	ck_assert(cloudcfg_contains(ds, "None"));
	ck_assert(!cloudcfg_contains(ds, "Azure"));
	ck_assert_str_eq(ds->path, "/etc/cloud/cloud.cfg.d/99-installer.cfg");
	ck_assert_str_eq(cloudcfg_get(&c, "datasource.Azure.timeout")->scalar, "5");
	ck_assert_str_eq(cloudcfg_get(&c, "datasource.Azure.timeout")->path, "/etc/cloud/cloud.cfg.d/90_dpkg.cfg");
	ck_assert_ptr_nonnull(cloudcfg_get(&c, "datasource.None.userdata_raw"));
	ck_assert_ptr_nonnull(cloudcfg_get(&c, "users"));
	ck_assert(!c.custom_merge);
	ck_assert_uint_eq(c.npaths, 3);
	cloudcfg_free(&c);
}
END_TEST

START_TEST(errors_and_limits)
{
	char *err = NULL;
	unsigned line = 0;
	struct cloudcfg c = {0};

	ck_assert_ptr_null(cloudcfg_parse("a: [1, 2\nb: c\n", 14, "/x", &err, &line));
	ck_assert_ptr_nonnull(err);
	ck_assert_uint_ge(line, 1);
	free(err);
	/* nesting deeper than any config: refused, not a stack overflow */
	struct strbuf deep = {0};
	for (int i = 0; i < 5000; i++)
		strbuf_puts(&deep, "[");
	ck_assert_ptr_null(cloudcfg_parse(deep.buf, deep.len, "/x", &err, &line));
	free(err);
	strbuf_free(&deep);
	/* a scalar document is not a mapping: cloud-init ignores it */
	cloudcfg_merge(&c, "/s", parse("just text\n", "/s"));
	ck_assert_ptr_null(c.root);
	cloudcfg_merge(&c, "/m", parse("merge_how: 'dict(recurse_array)+list(append)'\n", "/m"));
	ck_assert(c.custom_merge);
	cloudcfg_free(&c);
	struct cloudcfg_node *e = parse("", "/e");
	ck_assert_int_eq(e->type, CLOUDCFG_MAP);
	cloudcfg_node_free(e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cloudcfg");
	TCase *t = tcase_create("core");
	tcase_add_test(t, parse_shapes);
	tcase_add_test(t, merge_precedence);
	tcase_add_test(t, errors_and_limits);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
