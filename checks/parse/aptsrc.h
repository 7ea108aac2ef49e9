/* SPDX-License-Identifier: Apache-2.0 */
/* APT sources in both formats: one-line sources.list and deb822 .sources, plus apt.conf switches. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

struct apt_source {
	bool deb, deb_src;
	struct strv uris, suites, components;
	char *signed_by; /* NULL when not given; an embedded key is recorded as "(embedded key)" */
	bool trusted;    /* trusted=yes */
	bool allow_insecure; /* allow-insecure=yes / allow-weak=yes / allow-downgrade-to-insecure=yes */
	bool enabled;    /* Enabled: no in deb822 */
	char *path;
	unsigned line;
};

struct apt_problem {
	char *path;
	unsigned line;
	char *message;
};

struct apt_sources {
	struct apt_source *v;
	size_t n;
	struct apt_problem *problems;
	size_t nproblems;
};

void aptsrc_parse_list(struct apt_sources *s, const char *path, char *text);
void aptsrc_parse_deb822(struct apt_sources *s, const char *path, char *text);
/* /etc/apt/sources.list, then sources.list.d/\*.list and \*.sources in name order (as APT does).
 * A file or the directory that cannot be read (anything but absent) gives -errno, an empty S and
 * *ERR_PATH (malloc'd, when not NULL) naming it. */
int aptsrc_load(const struct safefs *fs, struct apt_sources *s, char **err_path);
void aptsrc_free(struct apt_sources *s);

/* An apt.conf setting that switches signature checking off. */
struct apt_insecure {
	char *path;
	unsigned line;
	char *option; /* APT::Get::AllowUnauthenticated, Acquire::AllowInsecureRepositories, ... */
};
struct apt_conf_insecure {
	struct apt_insecure *v;
	size_t n;
};
/* Scan /etc/apt/apt.conf and apt.conf.d/\* for options set to true that disable verification.
 * -errno with *ERR_PATH (malloc'd, when not NULL) for a file or directory that cannot be read. */
int aptsrc_conf_insecure(const struct safefs *fs, struct apt_conf_insecure *out, char **err_path);
void aptsrc_conf_insecure_free(struct apt_conf_insecure *c);
