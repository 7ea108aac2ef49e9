/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/waagent.conf: "Key=value" lines, '#' comments, as WALinuxAgent's conf.py reads them;
 * and the edit that sets keys while keeping every other byte. Plain data; knows no check. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct waagent_opt {
	char *key, *value;
	unsigned line;
};
struct waagentconf {
	struct waagent_opt *v;
	size_t n;
};

void waagentconf_parse(struct waagentconf *c, const char *text);
/* The value of KEY (the last assignment, as conf.py's dict keeps), or NULL. */
const struct waagent_opt *waagentconf_get(const struct waagentconf *c, const char *key);
/* y/yes/true/1 -> 1, n/no/false/0 -> 0, anything else (or unset) -> DFLT, as conf.py's get_switch. */
int waagentconf_switch(const struct waagentconf *c, const char *key, int dflt);
void waagentconf_free(struct waagentconf *c);
/* TEXT with each "Key=value" line of SETTINGS applied: an active line of that key gets the new
 * value (every such line), a missing key is appended; all other lines stay byte for byte.
 * malloc'd; NULL when SETTINGS holds something that is not a Key=value line. */
char *waagentconf_edit(const char *text, const char *settings);
