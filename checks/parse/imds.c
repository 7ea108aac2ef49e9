/* SPDX-License-Identifier: Apache-2.0 */
/* IMDS client with libcurl: short timeouts, proxy off (IMDS is link-local and must not go through
 * one), plain HTTP only, bounded answer; the judgement of the image reference is pure. */
#include "imds.h"

#include <ctype.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <fnmatch.h>

#include "safefs.h"

#define IMDS_MAX_BODY (1 << 20)

struct body {
	struct strbuf sb;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	if (b->sb.len + n > IMDS_MAX_BODY) {
		b->too_big = true;
		return 0;
	}
	strbuf_append(&b->sb, ptr, n);
	return n;
}

int imds_fetch_compute(const char *base_url, long timeout_ms, json_t **doc, char **err)
{
	_cleanup_free_ char *url = xasprintf("%s%s", base_url, IMDS_COMPUTE_PATH);
	struct curl_slist *hdrs = curl_slist_append(NULL, "Metadata: true");
	struct body b = {0};
	CURL *c = curl_easy_init();
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	json_error_t jerr;
	CURLcode rc;
	int r = 0;

	*doc = NULL;
	if (!c || !hdrs) {
		*err = xstrdup("cannot initialise libcurl");
		curl_slist_free_all(hdrs);
		return -ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_PROXY, "");   /* ignore http_proxy and friends */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "capgate/" CAPGATE_VERSION);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		r = rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT
		    : rc == CURLE_COULDNT_CONNECT  ? -ECONNREFUSED
		    : b.too_big                    ? -EFBIG
						   : -EIO;
		*err = xasprintf("'%s': %s", url, ebuf[0] ? ebuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		r = -EPROTO;
		*err = xasprintf("'%s': HTTP status %ld", url, status);
		goto out;
	}
	*doc = json_loadb(b.sb.buf ? b.sb.buf : "", b.sb.len, 0, &jerr);
	if (!*doc || !json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		r = -EBADMSG;
		*err = xasprintf("'%s': the answer is not a JSON object (line %d: %s)", url, jerr.line,
				 *doc ? "not an object" : jerr.text);
	}
out:
	strbuf_free(&b.sb);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return r;
}

bool imds_on_azure(void)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int fd;

	/* the running machine's firmware table, not a path of the image */
	fd = open("/sys/class/dmi/id/chassis_asset_tag", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	int r = safefs_read_fd(fd, 4096, &buf, &len);
	close(fd);
	return r == 0 && startswith(buf, IMDS_AZURE_ASSET_TAG);
}

/* The number in exactly N ASCII digits at P, or -1: no sign, no blanks, no shorter field. */
static int imds_digits(const char *p, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* A plausible calendar date: the month and day fields in range. */
static bool imds_date_ok(int yy, int mm, int dd)
{
	return yy >= 0 && mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

int imds_version_date(const char *version, int *y, int *m, int *d)
{
	for (const char *p = version; *p; p++) {
		size_t run = 0;
		if (p != version && isdigit((unsigned char)p[-1]))
			continue;
		while (isdigit((unsigned char)p[run]))
			run++;
		/* YYYYMMDD inside a longer run ("202310040") or on its own */
		if (run >= 8 && (!strncmp(p, "19", 2) || !strncmp(p, "20", 2))) {
			int yy = imds_digits(p, 4), mm = imds_digits(p + 4, 2), dd = imds_digits(p + 6, 2);
			if (imds_date_ok(yy, mm, dd)) {
				*y = yy, *m = mm, *d = dd;
				return 0;
			}
		}
		/* YYYY.MM.DD */
		if (run == 4 && (!strncmp(p, "19", 2) || !strncmp(p, "20", 2)) && p[4] == '.' &&
		    imds_digits(p + 5, 2) >= 0 && p[7] == '.') {
			int yy = imds_digits(p, 4), mm = imds_digits(p + 5, 2), dd = imds_digits(p + 8, 2);
			if (imds_date_ok(yy, mm, dd)) {
				*y = yy, *m = mm, *d = dd;
				return 0;
			}
		}
		if (run)
			p += run - 1;
	}
	return -ENOENT;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

enum imds_verdict imds_judge(json_t *compute, const struct strv *allow, unsigned long long max_age_days, time_t now,
			     struct imds_image *img)
{
	json_t *ref = json_object_get(json_object_get(compute, "storageProfile"), "imageReference");
	const char *id;
	int y, m, d;

	*img = (struct imds_image){0};
	if (!json_is_object(ref))
		return IMDS_MALFORMED;
	id = str(ref, "id");
	if (*str(ref, "publisher"))
		img->urn = xasprintf("%s:%s:%s:%s", str(ref, "publisher"), str(ref, "offer"), str(ref, "sku"),
				     str(ref, "version"));
	else if (*id)
		img->urn = xstrdup(id);
	else
		return IMDS_MALFORMED;
	if (!strv_match_glob(allow, img->urn))
		return IMDS_UNTRUSTED;
	if (!max_age_days)
		return IMDS_TRUSTED;
	/* gallery ids end in /versions/<v>; marketplace images carry it in "version" */
	const char *ver = *str(ref, "version") ? str(ref, "version") : strrchr(id, '/') ? strrchr(id, '/') + 1 : id;
	if (imds_version_date(ver, &y, &m, &d) < 0)
		return IMDS_NO_DATE;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t built = timegm(&tm);
	img->date = xasprintf("%04d-%02d-%02d", y, m, d);
	img->age_days = (long)((now - built) / 86400);
	return (unsigned long long)(img->age_days < 0 ? 0 : img->age_days) > max_age_days ? IMDS_TOO_OLD : IMDS_TRUSTED;
}

void imds_image_free(struct imds_image *img)
{
	free(img->urn);
	free(img->date);
	*img = (struct imds_image){0};
}
