/* os-release(5): /etc/os-release, else /usr/lib/os-release, shell-style assignments. */
#pragma once
#include "safefs.h"

struct osrelease {
	char *id, *version_id, *version_codename, *pretty_name, *id_like;
	char *path; /* the file that was read */
};

void osrelease_parse(struct osrelease *o, const char *text);
/* -ENOENT when neither file exists. */
int osrelease_load(const struct safefs *fs, struct osrelease *o);
void osrelease_free(struct osrelease *o);
