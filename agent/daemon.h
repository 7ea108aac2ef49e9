/* capgate daemon: listening sockets and their addresses, shared with `capgate wait`. */
#pragma once
#include <stdbool.h>

#define DAEMON_DEFAULT_LISTEN "127.0.0.1:7463"

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
