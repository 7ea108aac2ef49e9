/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers every file uses: cleanup attributes, allocation that cannot fail silently. */
#pragma once
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* fdopendir(3) that takes *FD over: on success *FD becomes -1 (closedir closes it), on failure it
 * stays for its _cleanup_close_ and errno says why. One hand-over, no "fd = -1" after each call. */
static inline DIR *util_fdopendir(int *fd)
{
	DIR *d = fdopendir(*fd);
	if (d)
		*fd = -1;
	return d;
}

/* Allocation failure ends the process: a gate that silently drops findings is worse. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t m);
/* Room for at least NEED elements of SIZE in P, whose capacity *CAP grows by doubling. */
void *xgrowarray(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* A growable byte string. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_truncate(struct strbuf *sb, size_t len);
void strbuf_free(struct strbuf *sb);

/* A NULL-terminated list of owned strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap; /* slots allocated in v, the NULL terminator included */
};
void strv_push(struct strv *l, const char *s);
void strv_free(struct strv *l);
/* Split S at commas, trimming blanks; empty items are dropped. */
void strv_split_commas(struct strv *l, const char *s);
bool strv_match_glob(const struct strv *globs, const char *s);

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
bool endswith(const char *s, const char *suffix);

/* Parse "64M", "2G", "4096" into bytes; -EINVAL on garbage or overflow. */
int util_parse_size(const char *s, unsigned long long *out);
/* Parse "30s", "5m", "500ms", "2h" or plain seconds into milliseconds. */
int util_parse_duration_ms(const char *s, unsigned long long *out);
/* Monotonic milliseconds. */
unsigned long long util_now_ms(void);
/* S with control characters (C0, DEL) as \xNN and a backslash as \\: text from an image or the
 * network, safe to print or log (a newline in a file name cannot forge a line). Malloc'd. */
char *util_escape(const char *s);
/* Lock files (flock) carry their holder's pid, only for messages: read it (0 when unknown) and
 * write ours in place of what was there. */
pid_t util_lockfile_holder(int fd);
void util_lockfile_mark(int fd);
/* Whether URL names this machine: unix:/PATH, or http(s) to 127.0.0.0/8, ::1 or localhost, with
 * no user part (which would hide the real host). Where `capgate wait` may send the token and a
 * callback may go without TLS. */
bool util_url_is_local(const char *url);
/* Write S to OUT escaped as util_escape does: a name from an image cannot forge a line or send a
 * terminal escape. */
void util_fput_escaped(FILE *out, const char *s);
/* Write LEN bytes to the host file PATH atomically: a temp name beside it created with
 * O_CREAT|O_EXCL|O_NOFOLLOW|O_NONBLOCK (a leftover there, a hard link or a FIFO, is unlinked
 * first, never opened), optional fsync, rename. 0 or -errno. */
int util_write_host_file(const char *path, const void *data, size_t len, mode_t mode, bool durable);
/* RFC 3339 UTC timestamp of a wall-clock time. */
void util_rfc3339(time_t t, char out[32]);
