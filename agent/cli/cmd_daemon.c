/* SPDX-License-Identifier: Apache-2.0 */
/* capgate daemon: check everything a user can get wrong, make the token (OpenSSL's RNG) and the
 * socket (own, or systemd's), then exec the small capgate-daemon server with them. */
#include "daemon.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "callback.h"
#include "cmds.h"
#include "scan.h"
#include "token.h"

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

/* What `capgate wait` reads to find us when it is given no --url. */
static char *daemon_url_text(const struct daemon_addr *a, int fd)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
	} sa = {0}; /* a family getsockname leaves unset reads as AF_UNSPEC, not garbage */
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
	/* a path name (unnamed and abstract sockets have none); a 108-byte one ends without a NUL */
	if (sa.sa.sa_family == AF_UNIX && sa.un.sun_path[0])
		return xasprintf("unix:%.*s\n", (int)sizeof sa.un.sun_path, sa.un.sun_path);
	return NULL;
}

bool daemon_fd_is_local(int fd)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
	} sa = {0};
	socklen_t len = sizeof sa;

	if (getsockname(fd, &sa.sa, &len) < 0)
		return false;
	switch (sa.sa.sa_family) {
	case AF_UNIX: return true;
	case AF_INET: return (ntohl(sa.in.sin_addr.s_addr) >> 24) == 127;
	case AF_INET6:
		return IN6_IS_ADDR_LOOPBACK(&sa.in6.sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&sa.in6.sin6_addr) && sa.in6.sin6_addr.s6_addr[12] == 127);
	default: return false;
	}
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
	/* the same rule as --listen: a drop-in ListenStream=7463 (all addresses) must not expose the API */
	if (!daemon_fd_is_local(SD_LISTEN_FDS_START)) {
		_cleanup_free_ char *where = daemon_url_text(NULL, SD_LISTEN_FDS_START);
		if (where)
			where[strcspn(where, "\n")] = '\0';
		*err = xasprintf("the socket systemd passed listens on '%s', not on loopback or a unix socket; the API serves only this machine (capgate.socket: ListenStream=127.0.0.1:7463)",
				 where ? where : "?");
		return -EADDRNOTAVAIL;
	}
	return SD_LISTEN_FDS_START;
}

/* A fresh token: 32 bytes from OpenSSL's RNG as hex. */
static int daemon_new_token(char out[TOKEN_HEX + 1])
{
	unsigned char raw[TOKEN_BYTES];
	static const char hex[] = "0123456789abcdef";

	if (RAND_bytes(raw, sizeof raw) != 1)
		return -EIO;
	for (size_t i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[TOKEN_HEX] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	return 0;
}

/* The server executable: $CAPGATE_DAEMON_BIN, else beside this binary (a build tree), else in
 * the libexec directory it was installed to. */
static char *daemon_server_path(void)
{
	const char *env = getenv("CAPGATE_DAEMON_BIN");
	char self[4096];
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			char *p = xasprintf("%.*s/capgate-daemon", (int)(slash - self), self);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xstrdup(CAPGATE_LIBEXECDIR "/capgate-daemon");
}

static void profile_names(const struct cg_config *cfg, struct strv *out)
{
	const char *key;
	json_t *v;

	for (const struct cg_profile *p = scan_profiles; p->name; p++)
		strv_push(out, p->name);
	json_object_foreach(config_get(cfg, "profiles"), key, v)
		strv_push(out, key);
}

int cmd_daemon(const struct cli_verb *verb, int argc, char **argv)
{
	struct cli_args a;
	struct cg_config cfg = {0};
	struct daemon_addr addr = {0};
	struct callback_opts cb = {0};
	struct strv sargv = {0}, names = {0};
	_cleanup_free_ char *err = NULL, *url_text = NULL, *server = NULL, *fdtext = NULL;
	char token[TOKEN_HEX + 1] = "", self[4096];
	const char *root, *listen_s, *runtime_dir;
	bool token_written = false, own_socket = false, signals_blocked = false;
	sigset_t stop_set, old_set;
	int r, fd = -1, rc = EXIT_ERROR;
	ssize_t n;

	r = cli_parse_options_only(verb, argc, argv, &a);
	if (r)
		return r < 0 ? 0 : r;
	r = cli_load_config(&a, &cfg);
	if (r) {
		cli_args_free(&a);
		return r;
	}
	root = a.root ? a.root : "/";
	listen_s = a.listen ? a.listen : json_string_value(config_get(&cfg, "daemon.listen"));
	if (!listen_s)
		listen_s = DAEMON_DEFAULT_LISTEN;
	runtime_dir = token_runtime_dir(a.runtime_dir, json_string_value(config_get(&cfg, "daemon.runtime_dir")));

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
	if (fd < -1) {
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
	/* the callback's settings are read by `capgate signal` after each run; check them now */
	r = callback_opts_from_config(&cfg, NULL, &cb, &err);
	if (r < 0) {
		fprintf(stderr, "capgate daemon: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	server = daemon_server_path();
	if (access(server, X_OK) < 0) {
		fprintf(stderr, "capgate daemon: the server program '%s' is missing: %m\n", server);
		goto out;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		fprintf(stderr, "capgate daemon: cannot find this program's path: %m\n");
		goto out;
	}
	self[n] = '\0';

	/* from here a stop signal waits (blocked, kept across exec) for the server to take it */
	daemon_stop_signals(&stop_set);
	sigprocmask(SIG_BLOCK, &stop_set, &old_set);
	signals_blocked = true;
	r = token_prepare_dir(runtime_dir);
	if (r < 0) {
		fprintf(stderr, "capgate daemon: runtime directory '%s': %s\n", runtime_dir,
			r == -EPERM ? "must be a directory of mode 0700 owned by us or root" : strerror(-r));
		goto out;
	}
	{
		/* a living daemon on this directory keeps it; files of a dead one are replaced */
		pid_t other;
		uid_t owner = geteuid();
		if (token_check_dir(runtime_dir, &owner) == 0 && token_check_pid(runtime_dir, owner, &other) == 0 &&
		    other != getpid()) {
			fprintf(stderr, "capgate daemon: runtime directory '%s' belongs to a running daemon (pid %d)\n",
				runtime_dir, (int)other);
			goto out;
		}
	}
	/* the pid first: `capgate wait` believes the token and url only while this process lives
	 * (exec keeps the pid and its start time) */
	token_written = true;
	if ((r = token_write_pid(runtime_dir, getpid())) < 0) {
		fprintf(stderr, "capgate daemon: cannot write the pid file into '%s': %s\n", runtime_dir, strerror(-r));
		goto out;
	}
	if (daemon_new_token(token) < 0 || (r = token_write_file(runtime_dir, "token", token)) < 0) {
		fprintf(stderr, "capgate daemon: cannot write the token into '%s': %s\n", runtime_dir, strerror(-r));
		goto out;
	}
	token_wipe(token, sizeof token);

	if (fd < 0) {
		fd = daemon_listen(&addr);
		if (fd < 0) {
			fprintf(stderr, "capgate daemon: cannot listen on '%s': %s\n", listen_s, strerror(-fd));
			goto out;
		}
		own_socket = true;
	}
	url_text = daemon_url_text(own_socket ? &addr : NULL, fd);
	if (!url_text) {
		fprintf(stderr, "capgate daemon: cannot tell the address of the listening socket\n");
		goto out;
	}
	r = token_write_file(runtime_dir, "url", url_text);
	if (r < 0) {
		fprintf(stderr, "capgate daemon: cannot write the address into '%s': %s\n", runtime_dir, strerror(-r));
		goto out;
	}
	url_text[strcspn(url_text, "\n")] = '\0';

	/* the socket crosses exec; nothing else does */
	if (fcntl(fd, F_SETFD, 0) < 0) {
		fprintf(stderr, "capgate daemon: %m\n");
		goto out;
	}
	fdtext = xasprintf("%d", fd);
	strv_push(&sargv, server);
	strv_push(&sargv, "--fd");
	strv_push(&sargv, fdtext);
	strv_push(&sargv, "--runtime-dir");
	strv_push(&sargv, runtime_dir);
	strv_push(&sargv, "--capgate");
	strv_push(&sargv, self);
	strv_push(&sargv, "--root");
	strv_push(&sargv, root);
	if (a.config) {
		strv_push(&sargv, "--config");
		strv_push(&sargv, a.config);
	}
	profile_names(&cfg, &names);
	for (size_t i = 0; i < names.n; i++) {
		strv_push(&sargv, "--profile-name");
		strv_push(&sargv, names.v[i]);
	}
	if (json_is_true(config_get(&cfg, "daemon.run_at_start")))
		strv_push(&sargv, "--run-at-start");
	if (json_is_true(config_get(&cfg, "daemon.remediate")))
		strv_push(&sargv, "--remediate");
	if (cb.url)
		strv_push(&sargv, "--signal");
	{
		json_t *v = config_get(&cfg, "daemon.max_connections");
		_cleanup_free_ char *t1 = xasprintf("%u", json_is_integer(v) && json_integer_value(v) > 0
								  ? (unsigned)json_integer_value(v) : DAEMON_MAX_CONNECTIONS);
		_cleanup_free_ char *t2 = xasprintf("%llu", config_duration_ms(&cfg, "daemon.timeout", DAEMON_CONN_TIMEOUT_S * 1000ULL) / 1000);
		_cleanup_free_ char *t3 = xasprintf("%llu", config_duration_ms(&cfg, "daemon.stop_timeout", DAEMON_STOP_TIMEOUT_MS));
		strv_push(&sargv, "--max-connections");
		strv_push(&sargv, t1);
		strv_push(&sargv, "--timeout-s");
		strv_push(&sargv, t2);
		strv_push(&sargv, "--stop-timeout-ms");
		strv_push(&sargv, t3);
		v = config_get(&cfg, "daemon.max_per_client");
		_cleanup_free_ char *t4 = xasprintf("%u", json_is_integer(v) && json_integer_value(v) > 0
								  ? (unsigned)json_integer_value(v) : DAEMON_MAX_PER_CLIENT);
		_cleanup_free_ char *t5 = xasprintf("%llu", config_duration_ms(&cfg, "daemon.run_timeout", DAEMON_RUN_TIMEOUT_MS));
		strv_push(&sargv, "--max-per-client");
		strv_push(&sargv, t4);
		strv_push(&sargv, "--run-timeout-ms");
		strv_push(&sargv, t5);
	}
	if (own_socket && addr.is_unix) {
		strv_push(&sargv, "--unix-path");
		strv_push(&sargv, addr.path);
	}
	strv_push(&sargv, "--address");
	strv_push(&sargv, url_text);
	fflush(NULL);
	execv(server, sargv.v);
	fprintf(stderr, "capgate daemon: cannot run '%s': %m\n", server);
out:
	if (token_written)
		token_remove_files(runtime_dir);
	if (signals_blocked)
		sigprocmask(SIG_SETMASK, &old_set, NULL); /* the files are gone: a pending stop may act */
	if (own_socket && addr.is_unix)
		unlink(addr.path);
	if (fd >= 0)
		close(fd);
	token_wipe(token, sizeof token);
	strv_free(&sargv);
	strv_free(&names);
	callback_opts_free(&cb);
	daemon_addr_free(&addr);
	config_free(&cfg);
	cli_args_free(&a);
	return rc;
}
