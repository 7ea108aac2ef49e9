/* SPDX-License-Identifier: Apache-2.0 */
/* Cached rpm-md repository metadata of an image (dnf, dnf5, yum, zypper, tdnf caches), read with
 * libsolv/libsolvext: repomd.xml names the updateinfo file, whose advisories list the packages
 * (NAME, EVR, ARCH) that fix them. Plain data out; what is pending is the caller's judgement. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "safefs.h"

/* Bounds: a repomd.xml, a compressed updateinfo file, and what it decompresses to. A real RHEL 9
 * AppStream updateinfo.xml.gz is a few MiB and some tens of MiB unpacked. */
#define RPMMD_REPOMD_MAX (4u << 20)
#define RPMMD_FILE_MAX (256u << 20)
#define RPMMD_XML_MAX (1024u << 20)
#define RPMMD_REPOS_MAX 512

/* One package of an advisory's collection. */
struct rpmmd_fix {
	char *advisory; /* FXSA-2026:0001 */
	char *type;     /* security, bugfix, enhancement, recommended, optional; NULL when unset */
	char *severity; /* Important, moderate, ...; NULL when unset */
	char *name, *evr, *arch; /* evr: [epoch:]version-release, a zero epoch left out */
};

struct rpmmd_updates {
	struct rpmmd_fix *v;
	size_t n;
	size_t advisories;
	char *err;            /* libsolv's words when the file did not parse */
	struct s_Pool *pool;  /* libsolv, set to rpm's version order; for rpmmd_evrcmp() */
};

/* One cached repository: the folder holding repomd.xml, and its updateinfo file when repomd.xml
 * names one and the cache holds it (NULL otherwise). Paths are inside the image. */
struct rpmmd_repo {
	char *repomd;
	char *updateinfo;
	bool listed; /* repomd.xml names an updateinfo file (present or not) */
};

struct rpmmd_repos {
	struct rpmmd_repo *v;
	size_t n;
};

/* Every repomd.xml the image's caches hold: /var/cache/dnf/\*\/repodata, /var/cache/libdnf5/\*\/repodata,
 * /var/cache/yum/ARCH/RELEASEVER/REPO, /var/cache/zypp/raw/\*\/repodata, /var/cache/tdnf/\*\/repodata.
 * -errno (with *ERR_PATH) when a folder or a repomd.xml cannot be read; at most RPMMD_REPOS_MAX. */
int rpmmd_find(const struct safefs *fs, struct rpmmd_repos *out, char **err_path);
void rpmmd_repos_free(struct rpmmd_repos *r);

/* The location (href) of the updateinfo data in repomd.xml TEXT: 1 with *HREF set, 0 when it names
 * none, -EBADMSG when libsolv cannot parse it. */
int rpmmd_repomd_updateinfo(const char *text, size_t len, char **href);

/* Read updateinfo XML from F (already decompressed) into U. -EBADMSG (U->err says why). */
int rpmmd_updateinfo_read(FILE *f, struct rpmmd_updates *u);
/* Read the updateinfo file open at FD, decompressed by NAME's suffix (.gz, .xz, .bz2 as libsolvext
 * does; .zst by libarchive), at most MAX bytes after decompression (-EFBIG beyond). FD stays the caller's. */
int rpmmd_updateinfo_fd(int fd, const char *name, size_t max, struct rpmmd_updates *u);
/* The updateinfo file PATH of the image, through the door. */
int rpmmd_updateinfo_load(const struct safefs *fs, const char *path, struct rpmmd_updates *u);
/* An empty U with its pool; rpmmd_updateinfo_* call it themselves when U->pool is NULL.
 * -EPROTONOSUPPORT when the linked libsolv has no rpm version order. */
int rpmmd_updates_init(struct rpmmd_updates *u);
void rpmmd_updates_free(struct rpmmd_updates *u);

/* rpm's EVR order, as libsolv compares (EVRCMP_COMPARE; a missing epoch is 0): <0, 0, >0. */
int rpmmd_evrcmp(const struct rpmmd_updates *u, const char *a, const char *b);
