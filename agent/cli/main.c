/* SPDX-License-Identifier: Apache-2.0 */
/* capgate: dispatch the verb named on the command line (verbs.c holds the table). */

#include "cmds.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		cli_usage_all(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		cli_usage_all(stdout);
		return 0;
	}
	static char version_verb[] = "version";
	if (streq(argv[1], "--version"))
		argv[1] = version_verb;
	for (const struct cli_verb *v = cli_verbs; v->name; v++)
		if (streq(v->name, argv[1]))
			return v->main(v, argc - 1, argv + 1);
	fprintf(stderr, "capgate: unknown verb '%s'\n", argv[1]);
	cli_usage_all(stderr);
	return EXIT_USAGE;
}
