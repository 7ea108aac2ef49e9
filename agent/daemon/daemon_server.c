/* capgate-daemon: the small HTTP side of `capgate daemon`. libmicrohttpd carries api.c on the
 * socket `capgate daemon` prepared; runs are child capgate processes (runner.c). It links only
 * libmicrohttpd, libsystemd and Jansson, so the idle daemon stays small.
 *
 * Internal interface (only `capgate daemon` starts it, with exec):
 *   capgate-daemon --fd N --runtime-dir DIR --capgate PATH --root DIR [--config FILE]...
 *     [--profile-name NAME]... [--run-at-start] [--remediate] [--signal] [--max-connections N]
 *     [--timeout-s N] [--stop-timeout-ms N] [--unix-path PATH] --address TEXT */
#include "daemon.h"

#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "journal.h"
#include "token.h"

struct server {
	struct runner runner;
	struct api api;
	char token[TOKEN_HEX + 1];
};

struct conn {
	struct strbuf body;
	bool too_big;
};

static void server_on_state(struct runner *rn, enum runner_state st, const char *run_id, void *ud)
{
	json_t *report = NULL;
	enum runner_state now;
	char id[33];

	(void)ud;
	if (st == RUNNER_RUNNING) {
		sd_notifyf(0, "STATUS=running (run %s)", run_id);
		return;
	}
	runner_snapshot(rn, &now, id, &report, NULL);
	json_t *sum = json_object_get(report, "summary");
	if (sum)
		sd_notifyf(0, "STATUS=%s: %lld checks, %lld failed, %lld errors (run %s)", runner_state_name(st),
			   json_integer_value(json_object_get(sum, "checks")), json_integer_value(json_object_get(sum, "fail")),
			   json_integer_value(json_object_get(sum, "error")), run_id);
	else
		sd_notifyf(0, "STATUS=%s (run %s)", runner_state_name(st), run_id);
	json_decref(report);
}

static enum MHD_Result send_response(struct MHD_Connection *con, struct api_response *rs)
{
	char *text = json_dumps(rs->body, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len = text ? strlen(text) : 0;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (text) {
		text = xrealloc(text, len + 2);
		text[len++] = '\n';
		text[len] = '\0';
	}
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rs->retry_after) {
		char v[16];
		snprintf(v, sizeof v, "%u", rs->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
	}
	if (rs->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->authenticate)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"capgate\"");
	ret = MHD_queue_response(con, rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result server_on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
					 const char *version, const char *upload_data, size_t *upload_data_size,
					 void **con_cls)
{
	struct server *d = cls;
	struct conn *cc = *con_cls;
	struct api_response rs = {0};
	enum MHD_Result ret;

	(void)version;
	if (!cc) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		cc = xcalloc(1, sizeof *cc);
		*con_cls = cc;
		/* refuse a declared oversized body before reading it */
		if (cl && strtoull(cl, NULL, 10) > API_MAX_BODY) {
			cc->too_big = true;
			api_error(&rs, 413, "request body larger than %d bytes", API_MAX_BODY);
			ret = send_response(con, &rs);
			api_response_free(&rs);
			return ret;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cc->too_big && cc->body.len + *upload_data_size <= API_MAX_BODY)
			strbuf_append(&cc->body, upload_data, *upload_data_size);
		else
			cc->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cc->too_big)
		api_error(&rs, 413, "request body larger than %d bytes", API_MAX_BODY);
	else {
		struct api_request rq = {
			.method = method, .path = url,
			.authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
			.body = cc->body.buf, .body_len = cc->body.len,
		};
		api_handle(&d->api, &rq, &rs);
	}
	ret = send_response(con, &rs);
	api_response_free(&rs);
	return ret;
}

static void server_on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct conn *cc = *con_cls;

	(void)cls, (void)con, (void)toe;
	if (cc) {
		strbuf_free(&cc->body);
		free(cc);
		*con_cls = NULL;
	}
}

static void server_mhd_log(void *cls, const char *fmt, va_list ap) _printf_(2, 0);
static void server_mhd_log(void *cls, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;

	(void)cls;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	msg[strcspn(msg, "\n")] = '\0';
	journal_log(LOG_WARNING, JEV_API, NULL, "http: %s", msg);
}


/* Block until SIGTERM/SIGINT, pinging the watchdog when systemd asked for one. Without a
 * watchdog this sleeps in sigwaitinfo: no timer wakes an idle daemon. */
static int server_wait_for_signal(const sigset_t *set)
{
	uint64_t usec = 0;
	bool watchdog = sd_watchdog_enabled(0, &usec) > 0 && usec > 0;

	for (;;) {
		siginfo_t si;
		int sig;
		if (watchdog) {
			struct timespec ts = {.tv_sec = (time_t)(usec / 2 / 1000000), .tv_nsec = (long)(usec / 2 % 1000000) * 1000};
			sig = sigtimedwait(set, &si, &ts);
			if (sig < 0 && errno == EAGAIN) {
				sd_notify(0, "WATCHDOG=1");
				continue;
			}
		} else
			sig = sigwaitinfo(set, &si);
		if (sig < 0)
			continue; /* EINTR */
		return sig;
	}
}

/* --fd: the listening socket's number; anything but a whole non-negative int reads as -1 */
static int server_parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

int daemon_server_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"fd", required_argument, NULL, 'f'}, {"runtime-dir", required_argument, NULL, 'd'},
		{"capgate", required_argument, NULL, 'c'}, {"root", required_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'C'}, {"profile-name", required_argument, NULL, 'p'},
		{"run-at-start", no_argument, NULL, 's'}, {"remediate", no_argument, NULL, 'R'},
		{"signal", no_argument, NULL, 'S'}, {"max-connections", required_argument, NULL, 'm'},
		{"timeout-s", required_argument, NULL, 't'}, {"stop-timeout-ms", required_argument, NULL, 'T'},
		{"unix-path", required_argument, NULL, 'u'}, {"address", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	struct server d = {0};
	struct MHD_Daemon *mhd;
	const char *runtime_dir = NULL, *capgate = NULL, *root = NULL, *unix_path = NULL, *address = "?";
	struct strv configs = {0}, profiles = {0};
	unsigned max_conn = DAEMON_MAX_CONNECTIONS, timeout_s = DAEMON_CONN_TIMEOUT_S;
	unsigned long long stop_ms = DAEMON_STOP_TIMEOUT_MS;
	bool run_at_start = false, remediate = false, signal_on = false;
	_cleanup_free_ char *token_path = NULL, *url_path = NULL;
	sigset_t set;
	int c, fd = -1, sig, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fd = server_parse_fd(optarg); break;
		case 'd': runtime_dir = optarg; break;
		case 'c': capgate = optarg; break;
		case 'r': root = optarg; break;
		case 'C': strv_push(&configs, optarg); break;
		case 'p': strv_push(&profiles, optarg); break;
		case 's': run_at_start = true; break;
		case 'R': remediate = true; break;
		case 'S': signal_on = true; break;
		case 'm': max_conn = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': timeout_s = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'T': stop_ms = strtoull(optarg, NULL, 10); break;
		case 'u': unix_path = optarg; break;
		case 'a': address = optarg; break;
		default:
			fprintf(stderr, "capgate-daemon: internal program; start it with 'capgate daemon'\n");
			return EXIT_USAGE_DAEMON;
		}
	}
	if (fd < 0 || !runtime_dir || !capgate || !root) {
		fprintf(stderr, "capgate-daemon: internal program; start it with 'capgate daemon'\n");
		return EXIT_USAGE_DAEMON;
	}
	journal_init(false);
	token_path = xasprintf("%s/token", runtime_dir);
	url_path = xasprintf("%s/url", runtime_dir);
	r = token_read(runtime_dir, d.token);
	if (r < 0) {
		fprintf(stderr, "capgate-daemon: cannot read the token in '%s': %s\n", runtime_dir, strerror(-r));
		return EXIT_ERROR_DAEMON;
	}

	/* signals are taken synchronously by this thread; the others never see them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	runner_init(&d.runner, capgate);
	strv_push(&d.runner.base_args, "--root");
	strv_push(&d.runner.base_args, root);
	for (size_t i = 0; i < configs.n; i++) {
		strv_push(&d.runner.base_args, "--config");
		strv_push(&d.runner.base_args, configs.v[i]);
	}
	d.runner.profiles = profiles;
	profiles = (struct strv){0};
	d.runner.signal = signal_on;
	d.runner.on_state = server_on_state;
	d.runner.ud = &d;
	d.api = (struct api){.runner = &d.runner, .token = d.token, .remediate_default = remediate};

	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			       server_on_request, &d,
			       MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, &d,
			       MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
			       MHD_OPTION_CONNECTION_LIMIT, max_conn ? max_conn : 1,
			       MHD_OPTION_CONNECTION_TIMEOUT, timeout_s ? timeout_s : 1,
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)DAEMON_CONN_MEMORY,
			       MHD_OPTION_NOTIFY_COMPLETED, server_on_completed, &d,
			       MHD_OPTION_END);
	if (!mhd) {
		fprintf(stderr, "capgate daemon: cannot start the HTTP server on '%s'\n", address);
		unlink(token_path);
		unlink(url_path);
		runner_done(&d.runner);
		strv_free(&configs);
		return EXIT_ERROR_DAEMON;
	}

	journal_log(LOG_INFO, JEV_DAEMON_START, NULL, "listening on %s (image root '%s', token in '%s')", address, root,
		    token_path);
	sd_notify(0, "READY=1\nSTATUS=idle: no run yet");

	if (run_at_start) {
		struct run_request req = {.remediate = remediate, .fail_on = -1};
		char id[33];
		_cleanup_free_ char *rerr = NULL;
		if (runner_start(&d.runner, &req, id, &rerr) < 0)
			journal_log(LOG_ERR, JEV_RUN_START, NULL, "cannot start the first run: %s", rerr ? rerr : "busy");
		run_request_free(&req);
	}

	sig = server_wait_for_signal(&set);

	/* stop: no new requests, stop the run's process, wait for it, remove the token */
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	journal_log(LOG_INFO, JEV_DAEMON_STOP, NULL, "stopping on signal %s", sigabbrev_np(sig));
	MHD_stop_daemon(mhd);
	r = runner_stop(&d.runner, stop_ms);
	if (r < 0)
		journal_log(LOG_ERR, JEV_DAEMON_STOP, NULL, "the run did not stop in time; exiting anyway");
	unlink(token_path);
	unlink(url_path);
	if (unix_path)
		unlink(unix_path);
	token_wipe(d.token, sizeof d.token);
	if (r < 0) {
		fflush(NULL);
		_exit(EXIT_ERROR_DAEMON); /* the worker still runs: do not free under it */
	}
	runner_done(&d.runner);
	strv_free(&configs);
	return 0;
}
