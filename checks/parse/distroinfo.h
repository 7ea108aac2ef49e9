/* SPDX-License-Identifier: Apache-2.0 */
/* Release dates of Debian and Ubuntu from a dated copy of distro-info-data shipped in capgate. */
#pragma once
#include <stdbool.h>
#include <time.h>

extern const char distroinfo_version[];
extern const char distroinfo_date[]; /* YYYY-MM-DD of the copy */
extern const char distroinfo_debian_csv[];
extern const char distroinfo_ubuntu_csv[];
extern const char distroinfo_rpm_eol_csv[]; /* id,cycle,eol,eol_ext: RHEL and clones, SLES, Leap, Azure Linux */

struct distroinfo_release {
	char version[32];  /* "12", "22.04 LTS" */
	char codename[32]; /* "Bookworm", "Jammy Jellyfish" */
	char series[32];   /* "bookworm", "jammy" */
	char release[11];  /* YYYY-MM-DD or "" */
	char eol[11];      /* end of regular support */
	char eol_ext[11];  /* end of extended support: Debian eol-lts, Ubuntu eol-esm */
	char eol_lts[11];  /* column 7 as given: Debian eol-lts, Ubuntu eol-server */
};

/* Find the release of os-release ID ("debian", "ubuntu") by VERSION_CODENAME or VERSION_ID.
 * Returns 0, -ENOENT when the data does not know it, -EPROTONOSUPPORT for other distributions. */
int distroinfo_find(const char *id, const char *version_id, const char *codename, struct distroinfo_release *out);

/* The RPM-family release of os-release ID and VERSION_ID in checks/data/rpm-eol.csv (endoflife.date
 * data): VERSION_ID as the cycle ("15.5", "3.0"), "15" as "15.0", or its major ("9.4" as "9").
 * eol_ext is the vendor's paid extended support (RHEL ELS, SLES LTSS, Oracle Extended Support).
 * Returns 0, or -ENOENT. */
int distroinfo_rpm_find(const char *id, const char *version_id, struct distroinfo_release *out);

enum distroinfo_support {
	DISTRO_SUPPORTED,     /* before eol */
	DISTRO_EXTENDED,      /* past eol, within LTS/ESM/ELTS */
	DISTRO_UNSUPPORTED,   /* past every date */
	DISTRO_UNKNOWN,       /* no eol date in the data yet */
};
/* Judge REL on day TODAY ("YYYY-MM-DD"); *UNTIL points at the date that applies. */
enum distroinfo_support distroinfo_support(const struct distroinfo_release *rel, const char *today, const char **until);
/* Today's date, UTC, as YYYY-MM-DD. */
void distroinfo_today(char out[11]);
