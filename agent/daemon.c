/* capgate daemon: libmicrohttpd carries api.c; sockets (own or systemd's), token, sd_notify, signals. */
#include "daemon.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "callback.h"
#include "cmds.h"
#include "journal.h"
#include "token.h"

/* Limits against clients that would hold the daemon: a gate must keep answering. */
/* 64 let 64 idle or slow-loris clients on loopback keep /v1/health from answering (measured by
 * tests/scenarios/api_abuse.sh); MHD polls with epoll, so a thousand cost little */
#define DAEMON_MAX_CONNECTIONS 1000
#define DAEMON_CONN_TIMEOUT_S 10
#define DAEMON_CONN_MEMORY (32 * 1024)  /* request line + headers; beyond it MHD answers 431 */
#define DAEMON_STOP_TIMEOUT_MS 10000

int daemon_parse_addr(const char *s, struct daemon_addr *a, char **err)
{
	const char *colon;
	char *end;
	unsigned long port;

	*a = (struct daemon_addr){0};
	if (startswith(s, "unix:")) {
		const char *p = s + 5;
		if (p[0] != '/' || strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			*err = xasprintf("listen address '%s': expected unix:/ABSOLUTE/PATH (at most 107 bytes)", s);
			return -EINVAL;
		}
		a->is_unix = true;
		a->path = xstrdup(p);
		return 0;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':') {
			*err = xasprintf("listen address '%s': expected [::1]:PORT", s);
			return -EINVAL;
		}
		a->host = xstrndup(s + 1, (size_t)(close - s - 1));
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			*err = xasprintf("listen address '%s': expected HOST:PORT or unix:/PATH", s);
			return -EINVAL;
		}
		a->host = xstrndup(s, (size_t)(colon - s));
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !colon[1] || port > 65535) {
		*err = xasprintf("listen address '%s': bad port", s);
		daemon_addr_free(a);
		return -EINVAL;
	}
	a->port = (unsigned)port;
	if (streq(a->host, "localhost")) {
		free(a->host);
		a->host = xstrdup("127.0.0.1");
	}
	struct in_addr v4;
	struct in6_addr v6;
	if (inet_pton(AF_INET, a->host, &v4) == 1) {
		if ((ntohl(v4.s_addr) >> 24) != 127) {
			*err = xasprintf("listen address '%s': not a loopback address; the API serves only this machine", s);
			daemon_addr_free(a);
			return -EADDRNOTAVAIL;
		}
	} else if (inet_pton(AF_INET6, a->host, &v6) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&v6)) {
			*err = xasprintf("listen address '%s': not a loopback address; the API serves only this machine", s);
			daemon_addr_free(a);
			return -EADDRNOTAVAIL;
		}
	} else {
		*err = xasprintf("listen address '%s': the host must be a numeric loopback address or localhost", s);
		daemon_addr_free(a);
		return -EINVAL;
	}
	return 0;
}

void daemon_addr_free(struct daemon_addr *a)
{
	free(a->path);
	free(a->host);
	*a = (struct daemon_addr){0};
}

int daemon_listen(const struct daemon_addr *a)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
	} sa = {0};
	socklen_t len;
	int fd, one = 1, r;

	if (a->is_unix) {
		struct stat st;
		sa.un.sun_family = AF_UNIX;
		strncpy(sa.un.sun_path, a->path, sizeof sa.un.sun_path - 1);
		len = sizeof sa.un;
		/* a socket left by a daemon that died is replaced; any other file is not touched */
		if (lstat(a->path, &st) == 0) {
			if (!S_ISSOCK(st.st_mode))
				return -EEXIST;
			unlink(a->path);
		}
	} else if (strchr(a->host, ':')) {
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons((uint16_t)a->port);
		inet_pton(AF_INET6, a->host, &sa.in6.sin6_addr);
		len = sizeof sa.in6;
	} else {
		sa.in.sin_family = AF_INET;
		sa.in.sin_port = htons((uint16_t)a->port);
		inet_pton(AF_INET, a->host, &sa.in.sin_addr);
		len = sizeof sa.in;
	}
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (!a->is_unix)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (a->is_unix) {
		/* only root (the token holder) may connect */
		mode_t old = umask(0177);
		r = bind(fd, &sa.sa, len);
		umask(old);
	} else
		r = bind(fd, &sa.sa, len);
	if (r < 0 || listen(fd, 64) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* ---- the daemon's state ---- */

struct daemon {
	struct runner runner;
	struct api api;
	char token[TOKEN_HEX + 1];
	const char *runtime_dir;
	struct callback_opts cb;
	struct cg_config cfg;
};

struct conn {
	struct strbuf body;
	bool too_big;
};

static void daemon_on_state(struct runner *rn, enum runner_state st, const char *run_id, void *ud)
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

static void daemon_on_report(struct runner *rn, const char *run_id, json_t *report, void *ud)
{
	struct daemon *d = ud;
	struct callback_opts o = d->cb;
	char *body;

	if (!d->cb.url)
		return;
	o.run_id = run_id;
	o.cancel = &rn->cancel;
	body = json_dumps(report, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (body) {
		callback_post(&o, body, strlen(body));
		free(body);
	}
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

static enum MHD_Result daemon_on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
					 const char *version, const char *upload_data, size_t *upload_data_size,
					 void **con_cls)
{
	struct daemon *d = cls;
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

static void daemon_on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct conn *cc = *con_cls;

	(void)cls, (void)con, (void)toe;
	if (cc) {
		strbuf_free(&cc->body);
		free(cc);
		*con_cls = NULL;
	}
}

static void daemon_mhd_log(void *cls, const char *fmt, va_list ap) _printf_(2, 0);
static void daemon_mhd_log(void *cls, const char *fmt, va_list ap)
{
	_cleanup_free_ char *msg = NULL;

	(void)cls;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	msg[strcspn(msg, "\n")] = '\0';
	journal_log(LOG_WARNING, JEV_API, NULL, "http: %s", msg);
}

/* What `capgate wait` reads to find us when it is given no --url. */
static char *daemon_url_text(const struct daemon_addr *a, int fd)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	socklen_t len = sizeof sa;
	char host[INET6_ADDRSTRLEN];

	if (a && a->is_unix)
		return xasprintf("unix:%s\n", a->path);
	if (getsockname(fd, &sa.sa, &len) < 0)
		return NULL;
	if (sa.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &sa.in.sin_addr, host, sizeof host);
		return xasprintf("http://%s:%u\n", host, ntohs(sa.in.sin_port));
	}
	if (sa.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sa.in6.sin6_addr, host, sizeof host);
		return xasprintf("http://[%s]:%u\n", host, ntohs(sa.in6.sin6_port));
	}
	if (sa.sa.sa_family == AF_UNIX) {
		struct sockaddr_un un;
		len = sizeof un;
		if (getsockname(fd, (struct sockaddr *)&un, &len) == 0 && un.sun_path[0])
			return xasprintf("unix:%s\n", un.sun_path);
	}
	return NULL;
}

/* The socket systemd passed (socket activation), or -1 when none. */
static int daemon_systemd_socket(char **err)
{
	int n = sd_listen_fds(1);

	if (n <= 0)
		return n < 0 ? n : -1;
	if (n > 1) {
		*err = xasprintf("systemd passed %d sockets; capgate.socket must have exactly one", n);
		return -EINVAL;
	}
	if (sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
		*err = xstrdup("the socket systemd passed is not a listening stream socket");
		return -EINVAL;
	}
	return SD_LISTEN_FDS_START;
}

static bool cfg_bool(const struct cg_config *cfg, const char *key)
{
	return json_is_true(config_get(cfg, key));
}

static unsigned cfg_uint(const struct cg_config *cfg, const char *key, unsigned dflt)
{
	json_t *v = config_get(cfg, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? (unsigned)json_integer_value(v) : dflt;
}

static unsigned long long cfg_ms(const struct cg_config *cfg, const char *key, unsigned long long dflt)
{
	json_t *v = config_get(cfg, key);
	unsigned long long ms;

	if (json_is_integer(v))
		return (unsigned long long)json_integer_value(v) * 1000ULL;
	if (json_is_string(v) && util_parse_duration_ms(json_string_value(v), &ms) == 0)
		return ms;
	return dflt;
}

/* Block until SIGTERM/SIGINT, pinging the watchdog when systemd asked for one. Without a
 * watchdog this sleeps in sigwaitinfo: no timer wakes an idle daemon. */
static int daemon_wait_for_signal(const sigset_t *set)
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

int cmd_daemon(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct daemon d = {0};
	struct daemon_addr addr = {0};
	struct MHD_Daemon *mhd = NULL;
	_cleanup_free_ char *err = NULL, *url_text = NULL, *token_path = NULL, *url_path = NULL;
	const char *root, *listen_s;
	sigset_t set;
	int r, fd = -1, rc = EXIT_ERROR, sig;
	bool own_socket = false;

	r = cli_parse(verb, argc, argv, &a);
	if (r)
		return r;
	if (a.help) {
		cli_usage(verb, stdout);
		cli_args_free(&a);
		return 0;
	}
	if (a.nrest > 0) {
		fprintf(stderr, "capgate daemon: unexpected argument '%s'\n", a.rest[0]);
		cli_args_free(&a);
		return EXIT_USAGE;
	}
	r = cli_load_config(&a, &d.cfg);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	journal_init(false);
	root = a.root ? a.root : "/";
	listen_s = a.listen ? a.listen : json_string_value(config_get(&d.cfg, "daemon.listen"));
	if (!listen_s)
		listen_s = DAEMON_DEFAULT_LISTEN;
	d.runtime_dir = token_runtime_dir(a.runtime_dir, json_string_value(config_get(&d.cfg, "daemon.runtime_dir")));

	/* everything a user can get wrong is checked before anything is created */
	{
		struct stat st;
		if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "capgate daemon: image root '%s': %s\n", root, errno ? strerror(errno) : "not a directory");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	fd = daemon_systemd_socket(&err);
	if (fd == -EINVAL || (fd < 0 && fd != -1)) {
		fprintf(stderr, "capgate daemon: %s\n", err ? err : strerror(-fd));
		goto out;
	}
	if (fd < 0) {
		r = daemon_parse_addr(listen_s, &addr, &err);
		if (r < 0) {
			fprintf(stderr, "capgate daemon: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	r = callback_opts_from_config(&d.cfg, NULL, &d.cb, &err);
	if (r < 0) {
		fprintf(stderr, "capgate daemon: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}

	r = token_prepare_dir(d.runtime_dir);
	if (r < 0) {
		fprintf(stderr, "capgate daemon: runtime directory '%s': %s\n", d.runtime_dir,
			r == -EPERM ? "must be owned by us and not writable by group or others" : strerror(-r));
		goto out;
	}
	if (token_generate(d.token) < 0 || (r = token_write_file(d.runtime_dir, "token", d.token)) < 0) {
		fprintf(stderr, "capgate daemon: cannot write the token into '%s': %s\n", d.runtime_dir, strerror(-r));
		goto out;
	}
	token_path = xasprintf("%s/token", d.runtime_dir);

	if (fd < 0) {
		fd = daemon_listen(&addr);
		if (fd < 0) {
			fprintf(stderr, "capgate daemon: cannot listen on '%s': %s\n", listen_s, strerror(-fd));
			goto out;
		}
		own_socket = true;
	}
	url_text = daemon_url_text(own_socket ? &addr : NULL, fd);
	if (url_text && token_write_file(d.runtime_dir, "url", url_text) == 0)
		url_path = xasprintf("%s/url", d.runtime_dir);

	/* signals are taken synchronously by this thread; the others never see them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	runner_init(&d.runner, root, &d.cfg);
	d.runner.on_state = daemon_on_state;
	d.runner.on_report = daemon_on_report;
	d.runner.ud = &d;
	d.api = (struct api){.runner = &d.runner, .token = d.token, .remediate_default = cfg_bool(&d.cfg, "daemon.remediate")};

	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			       daemon_on_request, &d,
			       MHD_OPTION_EXTERNAL_LOGGER, daemon_mhd_log, &d,
			       MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
			       MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg_uint(&d.cfg, "daemon.max_connections", DAEMON_MAX_CONNECTIONS),
			       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg_ms(&d.cfg, "daemon.timeout", DAEMON_CONN_TIMEOUT_S * 1000ULL) / 1000 ?: 1),
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)DAEMON_CONN_MEMORY,
			       MHD_OPTION_NOTIFY_COMPLETED, daemon_on_completed, &d,
			       MHD_OPTION_END);
	if (!mhd) {
		fprintf(stderr, "capgate daemon: cannot start the HTTP server on '%s'\n", listen_s);
		runner_done(&d.runner);
		goto out;
	}
	fd = -1; /* MHD owns it now */

	journal_log(LOG_INFO, JEV_DAEMON_START, NULL, "listening on %s (image root '%s', token in '%s')",
		    url_text ? strtok(url_text, "\n") : listen_s, root, token_path);
	sd_notify(0, "READY=1\nSTATUS=idle: no run yet");

	if (cfg_bool(&d.cfg, "daemon.run_at_start")) {
		struct run_request req = {.remediate = d.api.remediate_default, .fail_on = -1};
		char id[33];
		_cleanup_free_ char *rerr = NULL;
		if (runner_start(&d.runner, &req, id, &rerr) < 0)
			journal_log(LOG_ERR, JEV_RUN_START, NULL, "cannot start the first run: %s", rerr ? rerr : "busy");
		run_request_free(&req);
	}

	sig = daemon_wait_for_signal(&set);

	/* stop: no new requests, cancel the run between checks, wait for it, remove the token */
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	journal_log(LOG_INFO, JEV_DAEMON_STOP, NULL, "stopping on signal %s", sigabbrev_np(sig));
	MHD_stop_daemon(mhd);
	if (runner_stop(&d.runner, cfg_ms(&d.cfg, "daemon.stop_timeout", DAEMON_STOP_TIMEOUT_MS)) < 0) {
		/* the worker still uses the config and the image: leave without freeing under it */
		journal_log(LOG_ERR, JEV_DAEMON_STOP, NULL, "the run did not stop in time; exiting anyway");
		unlink(token_path);
		if (url_path)
			unlink(url_path);
		if (addr.is_unix)
			unlink(addr.path);
		fflush(NULL);
		_exit(EXIT_ERROR);
	}
	runner_done(&d.runner);
	rc = 0;
out:
	if (token_path)
		unlink(token_path);
	if (url_path)
		unlink(url_path);
	if (own_socket && addr.is_unix && mhd)
		unlink(addr.path);
	if (fd >= 0 && own_socket)
		close(fd);
	token_wipe(d.token, sizeof d.token);
	callback_opts_free(&d.cb);
	daemon_addr_free(&addr);
	config_free(&d.cfg);
	cli_args_free(&a);
	return rc;
}
