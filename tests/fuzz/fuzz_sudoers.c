/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: sudoers, parsed as /etc/sudoers and as an includedir file (self-inclusion must
 * terminate), and the remediation's line editor: removing a user keeps every other byte. */
#include "fuzz.h"
#include "sudoedit.h"
#include "sudoers.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_root();
	return 0;
}

static void count_line(unsigned line, void *ud)
{
	(*(unsigned *)ud)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_cstring(data, size);
	struct sudoers s = {0};
	struct strv users = {0};
	struct strbuf out = {0};

	fuzz_root_write("etc/sudoers.d/fuzz", data, size);
	sudoers_parse_text(&s, fuzz_root(), "/etc/sudoers", text);
	for (size_t i = 0; i < s.n; i++)
		FUZZ_ASSERT(s.v[i].file && s.v[i].line >= 1);
	(void)sudoers_is_user_alias(&s, "ADMINS");
	sudoers_free(&s);

	/* the editor: after removing a user, no line names it; with nothing changed, same text */
	sudoedit_users(text, &users);
	const char *victim = users.n ? users.v[0] : "packer";
	size_t changed = sudoedit_remove_user(text, strlen(text), victim, &out);
	const char *edited = out.buf ? out.buf : "";
	unsigned left = 0;
	if (changed == 0)
		FUZZ_ASSERT(out.len == strlen(text) && memcmp(edited, text, out.len) == 0);
	FUZZ_ASSERT(out.len <= strlen(text));
	sudoedit_find(edited, victim, count_line, &left);
	if (left) {
		fprintf(stderr, "user '%s' still named on %u lines after removal\n", victim, left);
		abort();
	}
	strbuf_free(&out);
	strv_free(&users);
	return 0;
}
