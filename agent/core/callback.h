/* SPDX-License-Identifier: Apache-2.0 */
/* The final report, POSTed to a callback URL with an HMAC-SHA256 signature, retried with backoff. */
#pragma once
#include <jansson.h>
#include <stddef.h>

#include "config.h"

struct callback_opts {
	const char *url;
	char *url_log;                 /* the URL with any user:password@ replaced: what logs show */
	char *secret;                  /* HMAC key; NULL: unsigned (a warning is logged) */
	const char *ca_file;           /* extra CA bundle for TLS verification, or NULL */
	unsigned attempts;             /* total tries, at least 1 */
	unsigned long long backoff_ms; /* first pause; doubles each time, capped at 60 s */
	unsigned long long timeout_ms; /* per attempt */
	const char *run_id;            /* for the log */
	volatile int *cancel;          /* set non-zero to stop retrying, or NULL */
};

/* Fill O from config callback.* (URL overrides callback.url when given). The secret comes from
 * $CAPGATE_CALLBACK_SECRET or callback.secret_file (a regular file of mode 0600 or stricter,
 * owned by us or root). Refused (-errno with *ERR set): no secret unless callback.unsigned is
 * true, plain http:// to a host that is not loopback, an unreadable or too open secret file.
 * Returns 0 with o->url NULL when no callback is configured. */
int callback_opts_from_config(const struct cg_config *cfg, const char *url, struct callback_opts *o, char **err);
void callback_opts_free(struct callback_opts *o);
/* "sha256=<hex>" of HMAC-SHA256(SECRET, RUN_ID "." TIMESTAMP "." BODY): the run and the time are
 * signed with the body, so a report cannot be replayed as another run's or later (the receiver
 * checks X-Capgate-Timestamp is recent). RUN_ID may be NULL (""). OUT holds 7 + 64 + 1 bytes. */
int callback_sign(const char *secret, const char *run_id, long long timestamp, const char *body, size_t len,
		  char out[72]);
/* URL with a user:password@ part replaced by "***@" (malloc'd): for logs and messages. */
char *callback_url_for_log(const char *url);
/* POST BODY (JSON). Retries on connection errors, timeouts, 408, 429 and 5xx; gives up on other
 * answers. Returns 0 when the receiver answered 2xx, else -errno (-EPROTO: refused). Logs. */
int callback_post(const struct callback_opts *o, const char *body, size_t len);

/* The whole signal step for a finished run: options from CFG (URL overrides callback.url), the
 * report as compact JSON, the POST with its retries. 0 delivered; -ENOENT when no URL is
 * configured; other -errno with *ERR set or the failure logged. `capgate signal` and
 * `capgate run --signal` call this. */
int callback_send_report(const struct cg_config *cfg, const char *url, const char *run_id, json_t *report, char **err);
