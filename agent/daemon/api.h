/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP API of DESIGN.md as plain functions: a parsed request in, a status and JSON out.
 * daemon.c carries these over libmicrohttpd; tests and fuzzers call them directly. */
#pragma once
#include <jansson.h>
#include <stddef.h>

#include "runner.h"

#define API_MAX_BODY (16 * 1024)

struct api {
	struct runner *runner;
	const char *token;    /* hex bearer token */
	bool remediate_default; /* config daemon.remediate: runs without "remediate" use it */
};

struct api_request {
	const char *method;
	const char *path;          /* without the query string */
	const char *authorization; /* the header, or NULL */
	const char *body;          /* may be NULL when empty */
	size_t body_len;
};

struct api_response {
	unsigned status;
	json_t *body;             /* owned; always a JSON object */
	unsigned retry_after;     /* seconds; 0: no Retry-After header */
	const char *allow;        /* for 405: the Allow header */
	bool authenticate;        /* for 401: send WWW-Authenticate: Bearer */
	bool close;               /* close the connection after the answer (framing errors) */
};

void api_handle(const struct api *api, const struct api_request *rq, struct api_response *rs);
/* A JSON error body: {"error": {"status": N, "message": "..."}}. */
void api_error(struct api_response *rs, unsigned status, const char *fmt, ...) _printf_(3, 4);
/* Parse a POST /v1/runs body into REQ; -EINVAL with *ERR set on anything unexpected. */
int api_parse_run_request(const char *body, size_t len, bool remediate_default, struct run_request *req, char **err);
void api_response_free(struct api_response *rs);
