/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation, string and parsing helpers shared by every part of capgate. */
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <time.h>

static void oom(void)
{
	fputs("capgate: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t m)
{
	p = reallocarray(p, n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	return p;
}

void strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < sb->len + n + 1)
			cap *= 2;
		sb->buf = xrealloc(sb->buf, cap);
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	strbuf_puts(sb, p);
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf){0};
}

void *xgrowarray(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap < 8 ? 8 : *cap;
	while (c < need)
		c *= 2;
	p = xreallocarray(p, c, size);
	*cap = c;
	return p;
}

void strv_push(struct strv *l, const char *s)
{
	/* grown by doubling: a parser may push hundreds of thousands of lines from a hostile file */
	l->v = xgrowarray(l->v, &l->cap, l->n + 2, sizeof(char *));
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

void strv_free(struct strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct strv){0};
}

void strv_split_commas(struct strv *l, const char *s)
{
	while (*s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (n) {
			_cleanup_free_ char *item = xstrndup(s, n);
			strv_push(l, item);
		}
		if (!end)
			break;
		s = end + 1;
	}
}

bool strv_match_glob(const struct strv *globs, const char *s)
{
	for (size_t i = 0; i < globs->n; i++)
		if (fnmatch(globs->v[i], s, 0) == 0)
			return true;
	return false;
}

bool endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int util_parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || (v && mul > ULLONG_MAX / v))
		return -EINVAL;
	*out = v * mul;
	return 0;
}

int util_parse_duration_ms(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1000;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (streq(end, "ms"))
		mul = 1;
	else if (streq(end, "s") || !*end)
		mul = 1000;
	else if (streq(end, "m") || streq(end, "min"))
		mul = 60 * 1000;
	else if (streq(end, "h"))
		mul = 3600 * 1000;
	else
		return -EINVAL;
	if (v && mul > ULLONG_MAX / v)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

void util_fput_escaped(FILE *out, const char *s)
{
	_cleanup_free_ char *e = util_escape(s);
	fputs(e, out);
}

int util_write_host_file(const char *path, const void *data, size_t len, mode_t mode, bool durable)
{
	_cleanup_free_ char *tmp = xasprintf("%s.capgate-tmp", path);
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	const char *p = data;
	int fd, r = 0;

	fd = open(tmp, flags, mode);
	if (fd < 0 && errno == EEXIST) {
		/* a killed run's temp, or a trap (a hard link to another file, a FIFO): the name goes,
		 * whatever it points at is never opened */
		if (unlink(tmp) < 0 && errno != ENOENT)
			return -errno;
		fd = open(tmp, flags, mode);
	}
	if (fd < 0)
		return -errno;
	while (r == 0 && len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = n < 0 ? -errno : -EIO;
		else {
			p += n;
			len -= (size_t)n;
		}
	}
	if (r == 0 && durable && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

pid_t util_lockfile_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	long v;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

void util_lockfile_mark(int fd)
{
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
		/* the pid is only for a waiter's message; the lock holds without it */
	}
}

unsigned long long util_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

char *util_escape(const char *s)
{
	struct strbuf sb = {0};

	strbuf_puts(&sb, "");
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\\')
			strbuf_puts(&sb, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(&sb, "\\x%02x", *p);
		else
			strbuf_append(&sb, (const char *)p, 1);
	}
	return sb.buf ? sb.buf : xstrdup("");
}

void util_rfc3339(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Whether URL names this machine: unix:/PATH, or http(s) to 127.0.0.0/8, ::1 or localhost, with no
 * user part (which would hide the real host). */
bool util_url_is_local(const char *u)
{
	const char *h, *end;
	char host[64];
	struct in_addr v4;
	struct in6_addr v6;
	size_t n;

	if (startswith(u, "unix:/"))
		return true;
	if (startswith(u, "http://"))
		h = u + 7;
	else if (startswith(u, "https://"))
		h = u + 8;
	else
		return false;
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)))
		return false;
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close)
			return false;
		n = (size_t)(close - h - 1);
		h++;
	} else
		n = strcspn(h, ":/?#");
	if (n == 0 || n >= sizeof host)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}
