/* SPDX-License-Identifier: Apache-2.0 */
/* distro-info-data CSV lookup: Debian columns version,codename,series,created,release,eol,
 * eol-lts,eol-elts; Ubuntu's version,codename,series,created,release,eol,eol-server,eol-esm[,...]. */
#include "distroinfo.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static void copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* Split one CSV line (no quoting is used in these files) into at most 10 fields. */
static size_t split_csv(const char *line, size_t len, const char *f[10], size_t flen[10])
{
	size_t n = 0;
	const char *p = line, *end = line + len;

	while (n < 10) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		f[n] = p;
		flen[n] = (size_t)((c ? c : end) - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

struct csv_row {
	const char *f[10];
	size_t fl[10], n;
};

/* The next row of CSV at *P (advanced past it); false at the end. Fields are zeroed first: gcc -O3
 * cannot see that split_csv sets every field below N. */
static bool csv_next(const char **p, struct csv_row *row)
{
	const char *nl;

	if (!*p || !**p)
		return false;
	nl = strchr(*p, '\n');
	*row = (struct csv_row){0};
	row->n = split_csv(*p, nl ? (size_t)(nl - *p) : strlen(*p), row->f, row->fl);
	*p = nl ? nl + 1 : NULL;
	return true;
}

/* The rows after the header line. */
static const char *csv_body(const char *csv)
{
	const char *nl = strchr(csv, '\n');
	return nl ? nl + 1 : NULL;
}

static bool version_matches(const char *csv_version, const char *version_id)
{
	/* "22.04 LTS" matches VERSION_ID "22.04"; Debian's "12" matches "12" */
	size_t n = strcspn(csv_version, " ");
	return version_id && *version_id && strlen(version_id) == n && !strncmp(csv_version, version_id, n);
}

int distroinfo_find(const char *id, const char *version_id, const char *codename, struct distroinfo_release *out)
{
	bool debian = id && streq(id, "debian"), ubuntu = id && streq(id, "ubuntu");
	struct csv_row row;
	const char *p;

	if (!debian && !ubuntu)
		return -EPROTONOSUPPORT;
	p = csv_body(debian ? distroinfo_debian_csv : distroinfo_ubuntu_csv);
	while (csv_next(&p, &row)) {
		const char *const *f = row.f;
		const size_t *fl = row.fl;
		size_t n = row.n;
		struct distroinfo_release r = {0};

		if (n < 3)
			continue;
		copy_field(r.version, sizeof r.version, f[0], fl[0]);
		copy_field(r.codename, sizeof r.codename, f[1], fl[1]);
		copy_field(r.series, sizeof r.series, f[2], fl[2]);
		if (!((codename && *codename && !strcasecmp(codename, r.series)) || version_matches(r.version, version_id)))
			continue;
		if (n > 4)
			copy_field(r.release, sizeof r.release, f[4], fl[4]);
		if (n > 5)
			copy_field(r.eol, sizeof r.eol, f[5], fl[5]);
		if (n > 6)
			copy_field(r.eol_lts, sizeof r.eol_lts, f[6], fl[6]);
		/* extended support: Debian's LTS (eol-lts; ELTS is a paid third party), Ubuntu's ESM */
		if (debian && n > 6)
			copy_field(r.eol_ext, sizeof r.eol_ext, f[6], fl[6]);
		else if (ubuntu && n > 7)
			copy_field(r.eol_ext, sizeof r.eol_ext, f[7], fl[7]);
		*out = r;
		return 0;
	}
	return -ENOENT;
}

static bool cycle_matches(const char *cycle, size_t n, const char *version_id)
{
	size_t v = strlen(version_id), major = strcspn(version_id, ".");

	if (v == n && !strncmp(cycle, version_id, n))
		return true;
	if (v + 2 == n && !strncmp(cycle, version_id, v) && !strncmp(cycle + v, ".0", 2))
		return true; /* SLES 15 GA says VERSION_ID="15"; the data says 15.0 */
	return !memchr(cycle, '.', n) && major == n && !strncmp(cycle, version_id, n);
}

int distroinfo_rpm_find(const char *id, const char *version_id, struct distroinfo_release *out)
{
	const char *p = csv_body(distroinfo_rpm_eol_csv);
	struct csv_row row;

	if (!id || !version_id || !*version_id)
		return -ENOENT;
	while (csv_next(&p, &row)) {
		const char *const *f = row.f;
		const size_t *fl = row.fl;
		size_t n = row.n;
		struct distroinfo_release r = {0};

		if (n < 3 || fl[0] != strlen(id) || strncmp(f[0], id, fl[0]) != 0 || !cycle_matches(f[1], fl[1], version_id))
			continue;
		copy_field(r.version, sizeof r.version, f[1], fl[1]);
		snprintf(r.series, sizeof r.series, "%s-%s", id, version_id);
		copy_field(r.codename, sizeof r.codename, f[0], fl[0]);
		copy_field(r.eol, sizeof r.eol, f[2], fl[2]);
		if (n > 3)
			copy_field(r.eol_ext, sizeof r.eol_ext, f[3], fl[3]);
		*out = r;
		return 0;
	}
	return -ENOENT;
}

enum distroinfo_support distroinfo_support(const struct distroinfo_release *rel, const char *today, const char **until)
{
	*until = NULL;
	if (!rel->eol[0])
		return DISTRO_UNKNOWN;
	if (strcmp(today, rel->eol) <= 0) {
		*until = rel->eol;
		return DISTRO_SUPPORTED;
	}
	if (rel->eol_ext[0] && strcmp(today, rel->eol_ext) <= 0) {
		*until = rel->eol_ext;
		return DISTRO_EXTENDED;
	}
	*until = rel->eol_ext[0] ? rel->eol_ext : rel->eol;
	return DISTRO_UNSUPPORTED;
}

void distroinfo_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
