/* SPDX-License-Identifier: Apache-2.0 */
/* capgate-daemon: the small HTTP side of `capgate daemon`. libmicrohttpd carries api.c on the
 * socket `capgate daemon` prepared; runs are child capgate processes (runner.c). It links only
 * libmicrohttpd, libsystemd and Jansson, so the idle daemon stays small.
 *
 * Internal interface (only `capgate daemon` starts it, with exec):
 *   capgate-daemon --fd N --runtime-dir DIR --capgate PATH --root DIR [--config FILE]...
 *     [--profile-name NAME]... [--run-at-start] [--remediate] [--signal] [--max-connections N]
 *     [--timeout-s N] [--stop-timeout-ms N] [--unix-path PATH] [--max-per-client N]
 *     [--run-timeout-ms N] --address TEXT
 *
 * Connection hygiene: every connection is tracked; each client (peer address, or uid on a unix
 * socket) may hold --max-per-client of them and all together --max-connections. Past either, the
 * oldest connection without a complete request (else the oldest) of that client, or of all, is
 * shut down, so a fresh client always gets in. Each request must arrive whole within --timeout-s
 * of its connection's start (bytes do not extend it). */
#include "daemon.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "journal.h"
#include "token.h"

#define SERVER_ABORT_LOG_INTERVAL_MS 60000ULL
#define SERVER_CONN_SLACK 16 /* MHD accepts this many beyond our limit, so we can evict */

/* One accepted connection (MHD's socket context). */
struct tracked {
	struct tracked *prev, *next;
	struct MHD_Connection *con;
	int fd;
	char key[64];              /* the client: peer address, or uid on a unix socket */
	unsigned long long start;  /* when its current request began (accept, or the last answer) */
	bool requested;            /* a whole request header arrived: an active client */
	bool evicted;
};

struct server {
	struct runner runner;
	struct api api;
	char token[TOKEN_HEX + 1];
	/* connections: touched by MHD's thread (notify) and the reaper (deadline), under conn_lock */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_cond;
	struct tracked *conns;
	unsigned nconns, max_conn, max_per_client;
	unsigned long long deadline_ms;
	bool stopping;
	/* aborted/evicted connections and MHD's complaints: counted, logged once per interval */
	atomic_ulong aborted, evicted, mhd_msgs;
	unsigned long long last_abort_log;
	char last_mhd[160];
};

struct conn {
	struct strbuf body;
	bool too_big;
};

/* What a fatal signal's handler removes (paths made before any can arrive). */
static const char *fatal_paths[4];

static void server_fatal(int sig)
{
	for (size_t i = 0; i < ELEMENTSOF(fatal_paths); i++)
		if (fatal_paths[i])
			unlink(fatal_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

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
	if (rs->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(con, rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct framing {
	unsigned content_length, transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *fr = cls;

	(void)kind, (void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		fr->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		fr->transfer_encoding++;
	return MHD_YES;
}

/* Counted events (aborted, evicted connections, MHD's messages) go to the log at most once per
 * interval, as one line with the counts: a flood cannot push verdict lines out of the journal. */
static void server_note(struct server *d)
{
	unsigned long long now = util_now_ms();
	unsigned long ab, ev, ms;
	char last[sizeof d->last_mhd];

	pthread_mutex_lock(&d->conn_lock);
	if (d->last_abort_log && now - d->last_abort_log < SERVER_ABORT_LOG_INTERVAL_MS) {
		pthread_mutex_unlock(&d->conn_lock);
		return;
	}
	d->last_abort_log = now;
	memcpy(last, d->last_mhd, sizeof last);
	pthread_mutex_unlock(&d->conn_lock);
	ab = atomic_exchange(&d->aborted, 0);
	ev = atomic_exchange(&d->evicted, 0);
	ms = atomic_exchange(&d->mhd_msgs, 0);
	if (ab || ev || ms)
		journal_log(LOG_WARNING, JEV_API, NULL,
			    "connections: %lu aborted, %lu shut down by the limits, %lu server messages%s%s (next summary in %llu s at the earliest)",
			    ab, ev, ms, last[0] ? "; last: " : "", last, SERVER_ABORT_LOG_INTERVAL_MS / 1000);
}

static void server_mark_requested(struct server *d, struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked *t = ci ? ci->socket_context : NULL;

	if (!t)
		return;
	pthread_mutex_lock(&d->conn_lock);
	t->requested = true;
	pthread_mutex_unlock(&d->conn_lock);
}

/* Shut down the oldest connection of KEY (all when NULL) other than SELF, preferring one that has
 * not sent a whole request. Called with conn_lock held. */
static void server_evict(struct server *d, const char *key, const struct tracked *self)
{
	struct tracked *victim = NULL;

	for (int pass = 0; pass < 2 && !victim; pass++)
		for (struct tracked *t = d->conns; t; t = t->next) {
			if (t == self || t->evicted || (key && !streq(t->key, key)) || (pass == 0 && t->requested))
				continue;
			if (!victim || t->start < victim->start)
				victim = t;
		}
	if (victim) {
		victim->evicted = true;
		shutdown(victim->fd, SHUT_RDWR); /* MHD sees the end and closes it; the fd is still open */
		atomic_fetch_add(&d->evicted, 1);
	}
}

static void client_key(struct MHD_Connection *con, int fd, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, host, sizeof host);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, host, sizeof host);
	else {
		struct ucred uc;
		socklen_t len = sizeof uc;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0) {
			snprintf(out, size, "uid:%u", (unsigned)uc.uid);
			return;
		}
	}
	snprintf(out, size, "ip:%s", host);
}

static void server_on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
				 enum MHD_ConnectionNotificationCode code)
{
	struct server *d = cls;
	struct tracked *t = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		unsigned same = 0;
		t = xcalloc(1, sizeof *t);
		t->con = con;
		t->fd = ci ? ci->connect_fd : -1;
		t->start = util_now_ms();
		client_key(con, t->fd, t->key, sizeof t->key);
		*socket_context = t;
		pthread_mutex_lock(&d->conn_lock);
		t->next = d->conns;
		if (d->conns)
			d->conns->prev = t;
		d->conns = t;
		d->nconns++;
		for (struct tracked *o = d->conns; o; o = o->next)
			same += !o->evicted && streq(o->key, t->key);
		if (same > d->max_per_client)
			server_evict(d, t->key, t);
		else if (d->nconns > d->max_conn)
			server_evict(d, NULL, t);
		pthread_cond_signal(&d->conn_cond);
		pthread_mutex_unlock(&d->conn_lock);
		return;
	}
	if (code == MHD_CONNECTION_NOTIFY_CLOSED && t) {
		/* MHD tells us before it closes the socket: the reaper cannot touch a reused fd */
		pthread_mutex_lock(&d->conn_lock);
		if (t->prev)
			t->prev->next = t->next;
		else
			d->conns = t->next;
		if (t->next)
			t->next->prev = t->prev;
		d->nconns--;
		pthread_mutex_unlock(&d->conn_lock);
		free(t);
		*socket_context = NULL;
	}
}

/* The absolute deadline: a connection whose request has not been answered within deadline_ms of
 * its start is shut down, however slowly it keeps sending. Sleeps while there are no connections. */
static void *server_reaper(void *arg)
{
	struct server *d = arg;

	pthread_mutex_lock(&d->conn_lock);
	while (!d->stopping) {
		unsigned long long now = util_now_ms(), next = 0;
		for (struct tracked *t = d->conns; t; t = t->next) {
			if (t->evicted)
				continue;
			if (now - t->start >= d->deadline_ms) {
				t->evicted = true;
				shutdown(t->fd, SHUT_RDWR);
				atomic_fetch_add(&d->aborted, 1);
			} else if (!next || t->start + d->deadline_ms < next)
				next = t->start + d->deadline_ms;
		}
		if (!next)
			pthread_cond_wait(&d->conn_cond, &d->conn_lock);
		else {
			struct timespec ts;
			unsigned long long wait = next - now + 10;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&d->conn_cond, &d->conn_lock, &ts);
		}
	}
	pthread_mutex_unlock(&d->conn_lock);
	return NULL;
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
		struct framing fr = {0};
		cc = xcalloc(1, sizeof *cc);
		*con_cls = cc;
		server_mark_requested(d, con);
		/* request smuggling's raw material: refused, and the connection closed */
		MHD_get_connection_values(con, MHD_HEADER_KIND, count_framing, &fr);
		if (fr.content_length > 1 || (fr.content_length && fr.transfer_encoding) || fr.transfer_encoding > 1) {
			cc->too_big = true;
			api_error(&rs, 400, "ambiguous framing: %s",
				  fr.content_length > 1 ? "more than one Content-Length"
				  : fr.transfer_encoding > 1 ? "more than one Transfer-Encoding"
							     : "Content-Length with Transfer-Encoding");
			rs.close = true;
			ret = send_response(con, &rs);
			api_response_free(&rs);
			return ret;
		}
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
	struct server *d = cls;
	struct conn *cc = *con_cls;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct tracked *t = ci ? ci->socket_context : NULL;

	if (t) {
		/* the next request on a kept-alive connection gets its own deadline */
		pthread_mutex_lock(&d->conn_lock);
		t->start = util_now_ms();
		t->requested = false;
		pthread_mutex_unlock(&d->conn_lock);
	}
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		atomic_fetch_add(&d->aborted, 1);
		server_note(d);
	}
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

	struct server *d = cls;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	msg[strcspn(msg, "\n")] = '\0';
	/* one line per interval, not one per event: counted, the last kept */
	pthread_mutex_lock(&d->conn_lock);
	snprintf(d->last_mhd, sizeof d->last_mhd, "%s", msg);
	pthread_mutex_unlock(&d->conn_lock);
	atomic_fetch_add(&d->mhd_msgs, 1);
	server_note(d);
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
		{"max-per-client", required_argument, NULL, 'P'}, {"run-timeout-ms", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	struct server d = {0};
	struct MHD_Daemon *mhd;
	const char *runtime_dir = NULL, *capgate = NULL, *root = NULL, *unix_path = NULL, *address = "?";
	struct strv configs = {0}, profiles = {0};
	unsigned max_conn = DAEMON_MAX_CONNECTIONS, timeout_s = DAEMON_CONN_TIMEOUT_S, per_client = DAEMON_MAX_PER_CLIENT;
	unsigned long long run_timeout_ms = 0;
	pthread_t reaper;
	unsigned long long stop_ms = DAEMON_STOP_TIMEOUT_MS;
	bool run_at_start = false, remediate = false, signal_on = false;
	_cleanup_free_ char *token_path = NULL, *url_path = NULL, *pid_path = NULL;
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
		case 'P': per_client = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'L': run_timeout_ms = strtoull(optarg, NULL, 10); break;
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
	fatal_paths[0] = token_path;
	fatal_paths[1] = url_path;
	pid_path = xasprintf("%s/pid", runtime_dir);
	fatal_paths[2] = pid_path;
	fatal_paths[3] = unix_path;
	r = token_read(runtime_dir, d.token);
	if (r < 0) {
		fprintf(stderr, "capgate-daemon: cannot read the token in '%s': %s\n", runtime_dir, strerror(-r));
		return EXIT_ERROR_DAEMON;
	}

	/* signals are taken synchronously by this thread; the others never see them */
	daemon_stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a crash removes the files too; only SIGKILL cannot, and the pid file covers it */
	{
		static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP};
		struct sigaction sa = {.sa_handler = server_fatal, .sa_flags = SA_RESETHAND};
		for (size_t i = 0; i < ELEMENTSOF(fatal); i++)
			sigaction(fatal[i], &sa, NULL);
	}

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
	d.runner.lock_dir = runtime_dir;
	d.runner.root = root;
	d.runner.run_timeout_ms = run_timeout_ms;
	pthread_mutex_init(&d.conn_lock, NULL);
	pthread_cond_init(&d.conn_cond, NULL);
	d.max_conn = max_conn ? max_conn : 1;
	d.max_per_client = per_client ? per_client : 1;
	d.deadline_ms = (timeout_s ? timeout_s : 1) * 1000ULL;
	if (pthread_create(&reaper, NULL, server_reaper, &d) != 0) {
		fprintf(stderr, "capgate daemon: cannot start a thread\n");
		token_remove_files(runtime_dir);
		return EXIT_ERROR_DAEMON;
	}
	d.runner.on_state = server_on_state;
	d.runner.ud = &d;
	d.api = (struct api){.runner = &d.runner, .token = d.token, .remediate_default = remediate};

	mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			       server_on_request, &d,
			       MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, &d,
			       MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
			       MHD_OPTION_CONNECTION_LIMIT, d.max_conn + SERVER_CONN_SLACK,
			       MHD_OPTION_NOTIFY_CONNECTION, server_on_connection, &d,
			       MHD_OPTION_CONNECTION_TIMEOUT, timeout_s ? timeout_s : 1,
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)DAEMON_CONN_MEMORY,
			       MHD_OPTION_NOTIFY_COMPLETED, server_on_completed, &d,
			       MHD_OPTION_END);
	if (!mhd) {
		fprintf(stderr, "capgate daemon: cannot start the HTTP server on '%s'\n", address);
		token_remove_files(runtime_dir);
		if (unix_path)
			unlink(unix_path);
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
	pthread_mutex_lock(&d.conn_lock);
	d.stopping = true;
	pthread_cond_signal(&d.conn_cond);
	pthread_mutex_unlock(&d.conn_lock);
	pthread_join(reaper, NULL);
	r = runner_stop(&d.runner, stop_ms);
	if (r < 0)
		journal_log(LOG_ERR, JEV_DAEMON_STOP, NULL, "the run did not stop in time; exiting anyway");
	token_remove_files(runtime_dir);
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
