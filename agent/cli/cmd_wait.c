/* capgate wait: the provisioner's side of the API — optionally start a run, poll /v1/ready until a
 * verdict or the deadline, print the summary; exit 0 ready, 1 blocked, 3 error or timeout. */
#include <curl/curl.h>
#include <jansson.h>

#include "cmds.h"
#include "daemon.h"
#include "token.h"

#define WAIT_DEFAULT_TIMEOUT_MS (10ULL * 60 * 1000)
#define WAIT_MAX_BODY (64u << 20)

struct wait {
	const char *url_flag;
	const char *runtime_dir;
	char *base;         /* http://host:port, or http://localhost with unix_path */
	char *unix_path;
	char token[TOKEN_HEX + 1];
	bool have_token;
	CURL *curl;
	struct strbuf body;
	bool body_too_big;
	unsigned long long deadline;
	const char *last_problem; /* for the timeout message */
	char problem_buf[256];
};

static size_t wait_collect(char *p, size_t s, size_t n, void *ud)
{
	struct wait *w = ud;
	if (w->body.len + s * n > WAIT_MAX_BODY) {
		w->body_too_big = true;
		return 0;
	}
	strbuf_append(&w->body, p, s * n);
	return s * n;
}

/* Where the daemon is: --url, else the address it wrote in the runtime dir, else the default. */
static void wait_locate(struct wait *w)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	const char *u = w->url_flag;
	char buf[512];

	if (!u) {
		FILE *f;
		path = xasprintf("%s/url", w->runtime_dir);
		f = fopen(path, "re");
		if (f) {
			if (fgets(buf, sizeof buf, f)) {
				buf[strcspn(buf, "\n")] = '\0';
				text = xstrdup(buf);
			}
			fclose(f);
		}
		u = text ? text : "http://" DAEMON_DEFAULT_LISTEN;
	}
	free(w->base);
	free(w->unix_path);
	w->unix_path = NULL;
	if (startswith(u, "unix:")) {
		w->unix_path = xstrdup(u + 5);
		w->base = xstrdup("http://localhost");
	} else {
		size_t l = strlen(u);
		while (l && u[l - 1] == '/')
			l--;
		w->base = xstrndup(u, l);
	}
}

/* One request. Returns the HTTP status, or 0 with last_problem set when there was no answer. */
static long wait_request(struct wait *w, const char *method, const char *path, const char *body, unsigned *retry_after)
{
	_cleanup_free_ char *url = NULL, *auth = NULL;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	unsigned long long now = util_now_ms();
	long budget = w->deadline > now ? (long)(w->deadline - now) : 1;
	CURLcode cc;

	wait_locate(w);
	url = xasprintf("%s%s", w->base, path);
	strbuf_truncate(&w->body, 0);
	w->body_too_big = false;
	curl_easy_reset(w->curl);
	curl_easy_setopt(w->curl, CURLOPT_URL, url);
	curl_easy_setopt(w->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (w->unix_path)
		curl_easy_setopt(w->curl, CURLOPT_UNIX_SOCKET_PATH, w->unix_path);
	curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(w->curl, CURLOPT_NOPROXY, "*"); /* the daemon is local; a proxy must not see the token */
	curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, budget < 15000 ? budget : 15000L);
	curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, wait_collect);
	curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->curl, CURLOPT_ERRORBUFFER, errbuf);
	if (w->have_token) {
		auth = xasprintf("Authorization: Bearer %s", w->token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	(void)method;
	curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, hdrs);
	cc = curl_easy_perform(w->curl);
	if (cc == CURLE_OK) {
		curl_off_t ra = 0;
		curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
		if (retry_after && curl_easy_getinfo(w->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK)
			*retry_after = ra > 0 && ra < 3600 ? (unsigned)ra : 0;
	} else {
		/* a diagnostic: when the url and curl's message do not fit, their head is enough */
		if (snprintf(w->problem_buf, sizeof w->problem_buf, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc)) < 0)
			w->problem_buf[0] = '\0';
		w->last_problem = w->problem_buf;
	}
	if (auth)
		explicit_bzero(auth, strlen(auth));
	curl_slist_free_all(hdrs);
	return status;
}

/* The token may appear later than we start (the daemon is starting), or change (restarted). */
static void wait_load_token(struct wait *w)
{
	int r = token_read(w->runtime_dir, w->token);

	w->have_token = r == 0;
	if (r < 0) {
		snprintf(w->problem_buf, sizeof w->problem_buf, "no token in '%s/token': %s", w->runtime_dir,
			 r == -EBADMSG ? "not a capgate token" : strerror(-r));
		w->last_problem = w->problem_buf;
	}
}

static void wait_pause(struct wait *w, unsigned long long ms)
{
	unsigned long long now = util_now_ms();
	if (now >= w->deadline)
		return;
	if (ms > w->deadline - now)
		ms = w->deadline - now;
	usleep((useconds_t)(ms * 1000));
}

static json_t *wait_body_json(struct wait *w)
{
	return w->body.len ? json_loadb(w->body.buf, w->body.len, 0, NULL) : NULL;
}

static const char *error_message(json_t *doc)
{
	json_t *e = json_object_get(doc, "error");
	if (json_is_string(e))
		return json_string_value(e);
	return json_string_value(json_object_get(e, "message"));
}

/* Print untrusted text from the report with control characters escaped. */
static void put_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
}

/* The summary a provisioner log shows: failing checks with their findings, then one verdict line. */
static void wait_print_report(json_t *report, const char *verdict, const char *error)
{
	json_t *sum = json_object_get(report, "summary"), *c, *f;
	size_t i, k;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		if (!st || !(streq(st, "fail") || streq(st, "error")))
			continue;
		printf("%s %s [%s]: ", st, json_string_value(json_object_get(c, "id")),
		       json_string_value(json_object_get(c, "severity")));
		put_safe(json_string_value(json_object_get(c, "title")));
		putchar('\n');
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			json_t *line = json_object_get(f, "line");
			fputs("    ", stdout);
			put_safe(json_string_value(json_object_get(f, "path")));
			if (json_is_integer(line))
				printf(":%lld", (long long)json_integer_value(line));
			fputs(": ", stdout);
			put_safe(json_string_value(json_object_get(f, "message")));
			if (json_is_string(json_object_get(f, "evidence"))) {
				fputs(" [", stdout);
				put_safe(json_string_value(json_object_get(f, "evidence")));
				putchar(']');
			}
			putchar('\n');
		}
		json_array_foreach(json_object_get(c, "errors"), k, f) {
			fputs("    error ", stdout);
			put_safe(json_string_value(json_object_get(f, "path")));
			fputs(": ", stdout);
			put_safe(json_string_value(json_object_get(f, "message")));
			putchar('\n');
		}
	}
	if (sum)
		printf("capgate: %s: %lld checks, %lld failed, %lld errors, %lld skipped (fail on %s)\n", verdict,
		       json_integer_value(json_object_get(sum, "checks")), json_integer_value(json_object_get(sum, "fail")),
		       json_integer_value(json_object_get(sum, "error")), json_integer_value(json_object_get(sum, "skip")),
		       json_string_value(json_object_get(report, "fail_on")) ?: "medium");
	else
		printf("capgate: %s\n", verdict);
	if (error)
		printf("capgate: %s\n", error);
	fflush(stdout);
}

/* POST /v1/runs until the daemon takes it. Returns 0, or an exit code. */
static int wait_trigger(struct wait *w, const struct cli_args *a)
{
	json_t *req = json_pack("{s:b}", "remediate", a->remediate);
	_cleanup_free_ char *body = NULL;

	if (a->profile)
		json_object_set_new(req, "profile", json_string(a->profile));
	if (a->only.n) {
		json_t *only = json_array();
		for (size_t i = 0; i < a->only.n; i++)
			json_array_append_new(only, json_string(a->only.v[i]));
		json_object_set_new(req, "only", only);
	}
	body = json_dumps(req, JSON_COMPACT);
	json_decref(req);

	while (util_now_ms() < w->deadline) {
		long st;
		json_t *doc;

		if (!w->have_token)
			wait_load_token(w);
		if (!w->have_token) {
			wait_pause(w, 250);
			continue;
		}
		st = wait_request(w, "POST", "/v1/runs", body, NULL);
		doc = wait_body_json(w);
		if (st == 202) {
			fprintf(stderr, "capgate: run %s started%s\n", json_string_value(json_object_get(doc, "run_id")) ?: "?",
				a->remediate ? " (with remediation)" : "");
			json_decref(doc);
			return 0;
		}
		if (st == 400) {
			fprintf(stderr, "capgate wait: the daemon refused the run: %s\n", error_message(doc) ?: "bad request");
			json_decref(doc);
			return EXIT_USAGE;
		}
		if (st == 401)
			w->have_token = false; /* restarted daemon, new token: read it again */
		if (st) {
			snprintf(w->problem_buf, sizeof w->problem_buf, "POST /v1/runs: HTTP %ld: %s", st,
				 error_message(doc) ?: "no message");
			w->last_problem = w->problem_buf;
		}
		json_decref(doc);
		wait_pause(w, st == 409 ? 1000 : 250);
	}
	return EXIT_ERROR;
}

static int wait_poll(struct wait *w)
{
	while (util_now_ms() < w->deadline) {
		unsigned retry_after = 0;
		long st;
		json_t *doc, *report = NULL;
		int rc = -1;

		if (!w->have_token)
			wait_load_token(w);
		if (!w->have_token) {
			wait_pause(w, 250);
			continue;
		}
		st = wait_request(w, "GET", "/v1/ready", NULL, &retry_after);
		doc = wait_body_json(w);
		switch (st) {
		case 200: rc = EXIT_READY; break;
		case 412: rc = EXIT_BLOCKED; break;
		case 500: rc = EXIT_ERROR; break;
		case 401: w->have_token = false; break;
		default: break;
		}
		if (rc >= 0) {
			const char *verdict = json_string_value(json_object_get(doc, "state")) ?: "error";
			_cleanup_free_ char *error = error_message(doc) ? xstrdup(error_message(doc)) : NULL;
			if (wait_request(w, "GET", "/v1/report", NULL, NULL) == 200)
				report = wait_body_json(w);
			wait_print_report(report ? report : doc, verdict, error);
			json_decref(report);
			json_decref(doc);
			return rc;
		}
		if (st) {
			snprintf(w->problem_buf, sizeof w->problem_buf, "GET /v1/ready: HTTP %ld: %s", st,
				 json_string_value(json_object_get(doc, "message")) ?: error_message(doc) ?: "no message");
			w->last_problem = w->problem_buf;
		}
		json_decref(doc);
		/* Retry-After paces us while the run goes on; a daemon not up yet is tried every 250 ms */
		wait_pause(w, st == 503 ? (retry_after ? retry_after * 1000ULL : 1000ULL) : 250);
	}
	return EXIT_ERROR;
}

int cmd_wait(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	struct wait w = {0};
	unsigned long long timeout_ms = WAIT_DEFAULT_TIMEOUT_MS;
	int r;

	r = cli_parse_options_only(verb, argc, argv, &a);
	if (r)
		return r < 0 ? 0 : r;
	if (a.timeout && util_parse_duration_ms(a.timeout, &timeout_ms) < 0) {
		fprintf(stderr, "capgate wait: --timeout '%s': expected a duration such as 90s or 10m\n", a.timeout);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	if (a.remediate && !a.trigger) {
		fprintf(stderr, "capgate wait: --remediate needs --trigger (it describes the run to start)\n");
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	if (a.url && !startswith(a.url, "http://") && !startswith(a.url, "https://") && !startswith(a.url, "unix:/")) {
		fprintf(stderr, "capgate wait: --url '%s': expected http://HOST:PORT or unix:/PATH\n", a.url);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	/* the runtime directory may be configured for the daemon; read the same config */
	r = cli_load_config(&a, &cfg);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	w.url_flag = a.url;
	w.runtime_dir = token_runtime_dir(a.runtime_dir, json_string_value(config_get(&cfg, "daemon.runtime_dir")));
	w.deadline = util_now_ms() + timeout_ms;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	w.curl = curl_easy_init();
	if (!w.curl) {
		r = EXIT_ERROR;
		goto out;
	}
	r = a.trigger ? wait_trigger(&w, &a) : 0;
	if (r == 0)
		r = wait_poll(&w);
	if (r == EXIT_ERROR && util_now_ms() >= w.deadline)
		fprintf(stderr, "capgate wait: timed out after %s%s%s\n", a.timeout ? a.timeout : "10m",
			w.last_problem ? "; last: " : "", w.last_problem ? w.last_problem : "");
out:
	if (w.curl)
		curl_easy_cleanup(w.curl);
	curl_global_cleanup();
	token_wipe(w.token, sizeof w.token);
	strbuf_free(&w.body);
	free(w.base);
	free(w.unix_path);
	config_free(&cfg);
	cli_args_free(&a);
	return r;
}
