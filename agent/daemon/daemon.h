/* capgate daemon: listening sockets and their addresses, shared with `capgate wait`. */
#pragma once
#include <stdbool.h>

#define DAEMON_DEFAULT_LISTEN "127.0.0.1:7463"

/* Limits against clients that would hold the daemon: a gate must keep answering. */
/* 64 let 64 idle or slow-loris clients on loopback keep /v1/health from answering (measured by
 * tests/scenarios/api_abuse.sh); MHD polls with epoll, so a thousand cost little */
#define DAEMON_MAX_CONNECTIONS 1000
#define DAEMON_CONN_TIMEOUT_S 10
#define DAEMON_CONN_MEMORY (32 * 1024)  /* request line + headers; beyond it MHD answers 431 */
#define DAEMON_STOP_TIMEOUT_MS 10000
/* exit codes of the server, the same as capgate's (cli.h is not linked into it) */
#define EXIT_USAGE_DAEMON 2
#define EXIT_ERROR_DAEMON 3

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
/* Create, bind and listen. Returns the fd or -errno. */
int daemon_listen(const struct daemon_addr *a);
/* The server program's main (capgate-daemon), started by `capgate daemon` with exec. */
int daemon_server_main(int argc, char **argv);
