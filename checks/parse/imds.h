/* SPDX-License-Identifier: Apache-2.0 */
/* Azure Instance Metadata Service: fetch the compute document, judge the image it was made from. */
#pragma once
#include <stdbool.h>
#include <jansson.h>
#include <time.h>

#include "util.h"

#define IMDS_DEFAULT_URL "http://169.254.169.254"
#define IMDS_COMPUTE_PATH "/metadata/instance/compute?api-version=2021-02-01"
/* DMI chassis asset tag every Azure VM carries (Hyper-V on Azure) */
#define IMDS_AZURE_ASSET_TAG "7783-7084-3265-9085-8269-3286-77"

/* GET BASE_URL + IMDS_COMPUTE_PATH with "Metadata: true", no proxy, no redirects, TIMEOUT_MS for
 * the whole transfer. *DOC is the parsed JSON object. On failure returns -errno (-ETIMEDOUT,
 * -ECONNREFUSED, -EBADMSG for a non-JSON answer, -EPROTO for a non-200 status) with *ERR set. */
int imds_fetch_compute(const char *base_url, long timeout_ms, json_t **doc, char **err);

/* True when this machine says it is an Azure VM (DMI chassis_asset_tag). Live only. */
bool imds_on_azure(void);

enum imds_verdict {
	IMDS_TRUSTED,
	IMDS_UNTRUSTED, /* not on the allow-list */
	IMDS_TOO_OLD,   /* image version older than the maximum age */
	IMDS_NO_DATE,   /* a maximum age is set but the version carries no date */
	IMDS_MALFORMED, /* no storageProfile.imageReference */
};

struct imds_image {
	char *urn;   /* "publisher:offer:sku:version", or the gallery image id */
	char *date;  /* YYYY-MM-DD found in the version, or NULL */
	long age_days;
};

/* Judge COMPUTE against ALLOW (globs over "publisher:offer:sku:version" or gallery ids) and
 * MAX_AGE_DAYS (0: no limit) as of NOW. */
enum imds_verdict imds_judge(json_t *compute, const struct strv *allow, unsigned long long max_age_days, time_t now,
			     struct imds_image *img);
void imds_image_free(struct imds_image *img);
/* The build date in an image version: "0.20231013.1532" (Debian), "22.04.202310040" (Ubuntu),
 * "2023.10.13". Returns 0 and fills Y/M/D, or -ENOENT. */
int imds_version_date(const char *version, int *y, int *m, int *d);
