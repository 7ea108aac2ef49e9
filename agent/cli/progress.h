/* SPDX-License-Identifier: Apache-2.0 */
/* A progress line on stderr while a scan runs, only on a terminal and only once the scan has taken
 * longer than a second (CAPGATE_PROGRESS_AFTER_MS sets that delay); cleared when the scan ends. */
#pragma once
#include <pthread.h>
#include <stdbool.h>

struct progress {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop, drawn;
	unsigned long long t0, after_ms;
	const char *what; /* "scanning", "fixing" */
};

/* Start watching scan_progress; does nothing when stderr is not a terminal. */
void progress_start(struct progress *p, const char *what);
/* Stop, join and clear the line. A scan that has run past the delay is drawn at least once. */
void progress_stop(struct progress *p);
