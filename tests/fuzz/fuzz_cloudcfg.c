/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: cloud-init YAML through libyaml, merged with itself as two files would be. */
#include "cloudcfg.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cloudcfg c = {0};
	char *err = NULL;
	unsigned line = 0;
	struct cloudcfg_node *a = cloudcfg_parse((const char *)data, size, "/a.cfg", &err, &line);

	FUZZ_ASSERT(!a == !!err);
	free(err);
	err = NULL;
	struct cloudcfg_node *b = cloudcfg_parse((const char *)data, size, "/b.cfg", &err, &line);
	free(err);
	cloudcfg_merge(&c, "/etc/cloud/cloud.cfg.d/b.cfg", b);
	cloudcfg_merge(&c, "/etc/cloud/cloud.cfg", a);
	const struct cloudcfg_node *ds = cloudcfg_get(&c, "datasource_list");
	/* the first file keeps a key: a value found came from it */
	if (ds)
		FUZZ_ASSERT(streq(ds->path, "/etc/cloud/cloud.cfg.d/b.cfg"));
	(void)cloudcfg_contains(ds, "Azure");
	(void)cloudcfg_get(&c, "datasource.Azure.apply_network_config");
	cloudcfg_free(&c);
	return 0;
}
