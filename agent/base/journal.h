/* SPDX-License-Identifier: Apache-2.0 */
/* Event logging for the daemon and its helpers: structured journal fields under systemd, stderr otherwise. */
#pragma once
#include <stdbool.h>
#include <syslog.h>

#include "util.h"

/* One MESSAGE_ID per kind of event, so `journalctl MESSAGE_ID=...` finds them all. */
enum journal_event {
	JEV_DAEMON_START,
	JEV_DAEMON_STOP,
	JEV_RUN_START,
	JEV_RUN_DONE,
	JEV_FINDING,
	JEV_CHECK_ERROR,
	JEV_CALLBACK_SENT,
	JEV_CALLBACK_FAILED,
	JEV_API,
	JEV_COUNT,
};

struct journal_fields {
	const char *run;      /* CAPGATE_RUN= */
	const char *check;    /* CAPGATE_CHECK= */
	const char *severity; /* CAPGATE_SEVERITY= */
	const char *verdict;  /* CAPGATE_VERDICT= */
};

/* Decide the sink once: the journal when stderr is systemd's journal stream (JOURNAL_STREAM) or
 * the process runs as a unit (INVOCATION_ID) and journald's socket exists; else stderr.
 * FORCE_STDERR keeps stderr whatever the environment says. */
void journal_init(bool force_stderr);
bool journal_active(void);
const char *journal_message_id(enum journal_event ev);
void journal_log(int priority, enum journal_event ev, const struct journal_fields *f, const char *fmt, ...)
	_printf_(4, 5);
