/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the HTTP API handlers in-process (api_handle, as daemon.c calls them after
 * libmicrohttpd): method, path, Authorization and body from the input, separated by NUL bytes.
 * Invariants: a JSON object always comes back with a 1xx-5xx status, and nothing but
 * /v1/health answers 2xx without exactly the bearer token. */
#include "api.h"
#include <strings.h>

#include "fuzz.h"

#define FUZZ_TOKEN "00000000000000000000000000000000000000000000000000000000000000ff"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = xmalloc(size + 1);
	const char *f[4] = {"GET", "/v1/health", NULL, NULL};
	size_t nf = 0, body_len = 0;
	struct runner rn;
	struct api_response rs = {0};
	struct run_request req = {0};
	char *err = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i <= size && nf < 4; i++)
		if (i == 0 || text[i - 1] == '\0') {
			f[nf++] = &text[i];
			if (nf == 4)
				body_len = size - i; /* the body may hold NULs */
		}
	/* a run is a child process; /bin/true ends at once (with no report: the run is in error) */
	runner_init(&rn, "/bin/true");
	struct api api = {.runner = &rn, .token = FUZZ_TOKEN};
	struct api_request rq = {.method = f[0], .path = f[1], .authorization = f[2], .body = f[3], .body_len = body_len};

	api_handle(&api, &rq, &rs);
	FUZZ_ASSERT(rs.status >= 100 && rs.status <= 599);
	FUZZ_ASSERT(json_is_object(rs.body));
	if (rs.status >= 200 && rs.status < 300 && strcmp(f[1], "/v1/health") != 0) {
		/* the auth scheme is case-insensitive and 1*SP separates it from the token (RFC 7235 2.1);
		 * the token is not case-insensitive */
		const char *given = f[2] && strncasecmp(f[2], "Bearer ", 7) == 0 ? f[2] + 7 : NULL;
		while (given && *given == ' ')
			given++;
		if (!given || strcmp(given, FUZZ_TOKEN) != 0) {
			fprintf(stderr, "'%s %s' answered %u without the token (Authorization '%s')\n", f[0], f[1],
				rs.status, f[2] ? f[2] : "(none)");
			abort();
		}
	}
	_cleanup_free_ char *dump = json_dumps(rs.body, JSON_COMPACT);
	FUZZ_ASSERT(dump);
	api_response_free(&rs);
	FUZZ_ASSERT(runner_stop(&rn, 10000) == 0);
	runner_done(&rn);

	if (f[3] && api_parse_run_request(f[3], body_len, false, &req, &err) < 0) {
		FUZZ_ASSERT(err);
		free(err);
	} else if (f[3]) {
		run_request_free(&req);
	}
	return 0;
}
