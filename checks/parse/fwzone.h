/* SPDX-License-Identifier: Apache-2.0 */
/* firewalld's zones as firewalld reads them: the default zone from firewalld.conf, each zone's XML
 * from /etc/firewalld/zones (the admin's) over /usr/lib/firewalld/zones (the package's), and the
 * built-in targets of the stock zones when neither file is there. Parsed with expat. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "safefs.h"
#include "util.h"

#define FWZONE_CONF "/etc/firewalld/firewalld.conf"
#define FWZONE_ETC "/etc/firewalld/zones"
#define FWZONE_USR "/usr/lib/firewalld/zones"

/* Something a zone opens to every source: a port range of all ports, or a rich rule that accepts
 * with no source, destination, service, port, protocol or ICMP type to narrow it. */
struct fwzone_open {
	unsigned line;
	char *what; /* "port 1-65535/tcp", "rule accept" */
};

struct fwzone {
	char *name;
	char *path;           /* the file read; NULL for a stock zone known without its file */
	char *target;         /* "default", "ACCEPT", "DROP", "%%REJECT%%" */
	unsigned target_line; /* the <zone> line; 0 when built in */
	struct fwzone_open *open;
	size_t nopen;
	char *error;          /* a parse error, "line N: reason"; the fields above are then partial */
};

/* The default zone: DefaultZone= in firewalld.conf (the last one), else "public". *LINE is 0 when
 * the file does not set it. -errno when the file is there and cannot be read. */
int fwzone_default(const struct safefs *fs, char **zone, unsigned *line);
/* Load zone NAME. -ENOENT when no file defines it and it is not a stock zone; -EINVAL for a name
 * that is not a plain file name; another -errno when its file cannot be read. A file that is not
 * valid zone XML loads with z->error set. */
int fwzone_load(const struct safefs *fs, const char *name, struct fwzone *z);
/* Parse XML (LEN bytes) as zone NAME read from PATH. 0, or -EBADMSG with z->error set. */
int fwzone_parse(struct fwzone *z, const char *name, const char *path, const char *xml, size_t len);
/* Whether the zone accepts every packet no rule matched (target ACCEPT). */
bool fwzone_accepts_all(const struct fwzone *z);
void fwzone_free(struct fwzone *z);
