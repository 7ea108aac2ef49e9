/* SPDX-License-Identifier: Apache-2.0 */
/* os-release(5): /etc/os-release, else /usr/lib/os-release, shell-style assignments; and the
 * distro model every check shares: which family an image belongs to (ID, then ID_LIKE, then
 * PLATFORM_ID), so checks ask the family instead of probing for a package database. */
#pragma once
#include "safefs.h"

struct osrelease {
	char *id, *version_id, *version_codename, *pretty_name, *id_like;
	char *platform_id, *support_end; /* PLATFORM_ID=platform:el9 (RHEL family), SUPPORT_END=YYYY-MM-DD */
	char *path; /* the file that was read */
};

/* Families are bits so a check can name the set it applies to. */
enum distro_family {
	DF_UNKNOWN = 0,
	DF_DEBIAN = 1 << 0, /* debian, ubuntu and their derivatives: dpkg, APT */
	DF_RHEL = 1 << 1,   /* rhel, centos, almalinux, rocky, ol, fedora: rpm, dnf/yum */
	DF_SUSE = 1 << 2,   /* sles, sled, opensuse-leap, opensuse-tumbleweed: rpm, zypper */
	DF_AZL = 1 << 3,    /* azurelinux, mariner (CBL-Mariner): rpm, tdnf/dnf */
};
#define DF_RPM (DF_RHEL | DF_SUSE | DF_AZL)
#define DF_ALL (DF_DEBIAN | DF_RPM)

/* The family of O: its ID first, then each word of ID_LIKE, then PLATFORM_ID; DF_UNKNOWN when
 * none is known (a check then judges by what the image holds). */
enum distro_family osrelease_family(const struct osrelease *o);
/* "Debian/Ubuntu", "RHEL", "SUSE", "Azure Linux", "unknown". */
const char *osrelease_family_name(enum distro_family f);
/* The major release from VERSION_ID ("9.4" -> 9, "15-SP6" -> 15); 0 when absent. */
unsigned osrelease_major(const struct osrelease *o);

void osrelease_parse(struct osrelease *o, const char *text);
/* -ENOENT when neither file exists. */
int osrelease_load(const struct safefs *fs, struct osrelease *o);
void osrelease_free(struct osrelease *o);
