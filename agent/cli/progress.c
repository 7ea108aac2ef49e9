/* SPDX-License-Identifier: Apache-2.0 */
/* The progress line: a thread wakes every 250 ms and redraws "capgate: scanning: 41/97 checks,
 * secrets.private-keys (3 s)" on stderr; nothing of it reaches a pipe, a file or a log. */
#include "progress.h"

#include <stdatomic.h>
#include <time.h>

#include "registry.h"
#include "scan.h"
#include "util.h"

#define PROGRESS_AFTER_MS 1000ULL
#define PROGRESS_TICK_MS 250ULL

static void progress_draw(struct progress *p)
{
	const struct cg_check *c = atomic_load(&scan_progress.check);
	unsigned long long s = (util_now_ms() - p->t0) / 1000;

	/* \r and erase-to-end: one line, rewritten in place */
	fprintf(stderr, "\rcapgate: %s: %zu/%zu checks%s%s (%llu s)\033[K", p->what, atomic_load(&scan_progress.done),
		atomic_load(&scan_progress.total), c ? ", " : "", c ? c->id : "", s);
	fflush(stderr);
	p->drawn = true;
}

static void *progress_main(void *ud)
{
	struct progress *p = ud;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		unsigned long long now = util_now_ms();
		unsigned long long next = now - p->t0 < p->after_ms ? p->t0 + p->after_ms : now + PROGRESS_TICK_MS;
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)((next - now) / 1000);
		ts.tv_nsec += (long)((next - now) % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &ts);
		if (!p->stop && util_now_ms() - p->t0 >= p->after_ms)
			progress_draw(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void progress_start(struct progress *p, const char *what)
{
	const char *env = getenv("CAPGATE_PROGRESS_AFTER_MS");
	pthread_condattr_t ca;

	*p = (struct progress){.what = what, .t0 = util_now_ms(), .after_ms = PROGRESS_AFTER_MS};
	if (!isatty(STDERR_FILENO))
		return;
	if (env && *env)
		p->after_ms = strtoull(env, NULL, 10);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	p->running = pthread_create(&p->thread, NULL, progress_main, p) == 0;
	if (!p->running) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
	}
}

void progress_stop(struct progress *p)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	/* the same answer whatever the scheduler did: a scan past the delay was shown at least once */
	if (!p->drawn && util_now_ms() - p->t0 >= p->after_ms)
		progress_draw(p);
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	p->running = false;
}
