/* SPDX-License-Identifier: Apache-2.0 */
/* Event logging: sd_journal_send with CAPGATE_* fields and a MESSAGE_ID per event, or one stderr line. */
#include "journal.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

static const char *const message_ids[JEV_COUNT] = {
	[JEV_DAEMON_START] = "02f6fc6e74894ab38a3684319df89f22",
	[JEV_DAEMON_STOP] = "1fde96ec304f42b482f99a7a47c78863",
	[JEV_RUN_START] = "88e8e241bf664a1fbf3bfb2ac82ba759",
	[JEV_RUN_DONE] = "e88d5d3c61e444b9a4aa349309b5fc62",
	[JEV_FINDING] = "e1d20ce324404ac589e36b5aa2f060f6",
	[JEV_CHECK_ERROR] = "32f86c3751754613b53bad7c6cc39926",
	[JEV_CALLBACK_SENT] = "37aadec43e264baa80313cc19d96040e",
	[JEV_CALLBACK_FAILED] = "9cb53e683c7a41549a16b970a23bbe71",
	[JEV_API] = "0279cadc881a4c71b667cd4777f0c5ed",
};

static bool use_journal;
static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;

/* systemd's documented test: JOURNAL_STREAM names the device:inode of our stderr. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char *end;
	struct stat st;

	if (!js || fstat(STDERR_FILENO, &st) < 0)
		return false;
	/* "DEV:INO", both decimal; anything else is not systemd's */
	errno = 0;
	dev = strtoull(js, &end, 10);
	if (errno || end == js || *end != ':')
		return false;
	js = end + 1;
	ino = strtoull(js, &end, 10);
	if (errno || end == js || *end)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void journal_init(bool force_stderr)
{
	struct stat st;
	bool socket_there = stat("/run/systemd/journal/socket", &st) == 0 && S_ISSOCK(st.st_mode);

	use_journal = !force_stderr && socket_there && (stderr_is_journal() || getenv("INVOCATION_ID"));
}

bool journal_active(void)
{
	return use_journal;
}

const char *journal_message_id(enum journal_event ev)
{
	return ev < JEV_COUNT ? message_ids[ev] : message_ids[JEV_API];
}

void journal_log(int priority, enum journal_event ev, const struct journal_fields *f, const char *fmt, ...)
{
	static const struct journal_fields none;
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	if (!f)
		f = &none;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	/* messages carry names from the image and words from the network: no control character
	 * reaches the log (a newline would forge a line, an escape sequence a terminal) */
	{
		char *safe = util_escape(msg);
		free(msg);
		msg = safe;
	}

	if (use_journal) {
		/* only the fields we know: sd_journal_sendv takes exactly the items given */
		char *items[8];
		struct iovec iov[8];
		size_t n = 0;
		int r;

		items[n++] = xasprintf("MESSAGE=%s", msg);
		items[n++] = xasprintf("PRIORITY=%d", priority);
		items[n++] = xasprintf("MESSAGE_ID=%s", journal_message_id(ev));
		items[n++] = xstrdup("SYSLOG_IDENTIFIER=capgate");
		if (f->run)
			items[n++] = xasprintf("CAPGATE_RUN=%s", f->run);
		if (f->check)
			items[n++] = xasprintf("CAPGATE_CHECK=%s", f->check);
		if (f->severity)
			items[n++] = xasprintf("CAPGATE_SEVERITY=%s", f->severity);
		if (f->verdict)
			items[n++] = xasprintf("CAPGATE_VERDICT=%s", f->verdict);
		for (size_t i = 0; i < n; i++)
			iov[i] = (struct iovec){items[i], strlen(items[i])};
		r = sd_journal_sendv(iov, (int)n);
		for (size_t i = 0; i < n; i++)
			free(items[i]);
		if (r >= 0)
			return;
	}
	/* stderr: one line; messages name their run and check themselves */
	pthread_mutex_lock(&stderr_lock);
	fprintf(stderr, "capgate: %s\n", msg);
	pthread_mutex_unlock(&stderr_lock);
}
