/* SPDX-License-Identifier: Apache-2.0 */
/* capgate daemon: listening sockets and their addresses, shared with `capgate wait`. */
#pragma once
#include <signal.h>
#include <stdbool.h>

#define DAEMON_DEFAULT_LISTEN "127.0.0.1:7463"

/* Limits against clients that would hold the daemon: a gate must keep answering. */
/* Past either limit the oldest connection without a whole request is shut down (daemon_server.c),
 * so slow or idle clients cannot keep a fresh one out; DAEMON_CONN_TIMEOUT_S is the absolute time a
 * request has to arrive, which bytes do not extend. */
#define DAEMON_MAX_CONNECTIONS 64
#define DAEMON_MAX_PER_CLIENT 32
#define DAEMON_CONN_TIMEOUT_S 10
#define DAEMON_CONN_MEMORY (32 * 1024)  /* request line + headers; beyond it MHD answers 431 */
#define DAEMON_STOP_TIMEOUT_MS 10000
/* a run still going after this is stopped with a clear error (config daemon.run_timeout) */
#define DAEMON_RUN_TIMEOUT_MS (60ULL * 60 * 1000)
/* exit codes of the server, the same as capgate's (cli.h is not linked into it) */
#define EXIT_USAGE_DAEMON 2
#define EXIT_ERROR_DAEMON 3

/* The signals that stop the daemon cleanly (files removed): every one whose default action ends
 * the process but lets code run first. `capgate daemon` blocks them before it writes the runtime
 * files, the block survives exec, and capgate-daemon takes them with sigwait: no window in which
 * one kills it with the files left behind. */
static inline void daemon_stop_signals(sigset_t *set)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
				   SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGPWR, SIGSTKFLT};
	sigemptyset(set);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(set, sigs[i]);
}

/* A parsed --listen address. */
struct daemon_addr {
	bool is_unix;
	char *path;       /* unix socket path */
	char *host;       /* numeric loopback address */
	unsigned port;
};

/* Parse "127.0.0.1:PORT", "[::1]:PORT", "localhost:PORT" or "unix:/PATH". Anything not on
 * loopback is refused (-EADDRNOTAVAIL): the API gates image capture and must stay local. */
int daemon_parse_addr(const char *s, struct daemon_addr *a, char **err);
void daemon_addr_free(struct daemon_addr *a);
/* Whether the socket FD is bound to loopback (127.0.0.0/8, ::1) or is a unix socket: checked on
 * a socket systemd passes, as --listen is checked by daemon_parse_addr. */
bool daemon_fd_is_local(int fd);
/* Create, bind and listen. Returns the fd or -errno. */
int daemon_listen(const struct daemon_addr *a);
/* The server program's main (capgate-daemon), started by `capgate daemon` with exec. */
int daemon_server_main(int argc, char **argv);
