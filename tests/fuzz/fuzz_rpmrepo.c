/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the rpm families' repository configuration (dnf/yum/tdnf .repo and .conf, zypp). */
#include "fuzz.h"
#include "rpmrepo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct rpmrepo_conf c = {0};

	rpmrepo_parse(&c, "/etc/yum.repos.d/fuzz.repo", text, RPMREPO_DNF, false);
	rpmrepo_parse(&c, "/etc/zypp/zypp.conf", text, RPMREPO_ZYPP, true);
	for (size_t i = 0; i < c.n; i++) {
		FUZZ_ASSERT(c.v[i].name && c.v[i].path && c.v[i].line >= 1);
		for (size_t k = 0; k < c.v[i].n; k++) {
			const struct rpmrepo_opt *o = &c.v[i].opts[k];
			FUZZ_ASSERT(o->key[0] && o->line >= c.v[i].line && rpmrepo_get(&c.v[i], o->key) == o);
			rpmrepo_bool(o->value);
		}
	}
	rpmrepo_free(&c);
	free(text);
	return 0;
}
