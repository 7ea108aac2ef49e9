/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's one run at a time: a worker thread runs each pipeline as a child `capgate scan`
 * (or `capgate run --remediate`) process and keeps the state machine
 * idle -> running -> ready | blocked | error (and running again on the next request).
 * A run in its own process keeps the daemon small, survives a crashing check, and stops at once. */
#pragma once
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

enum runner_state { RUNNER_IDLE, RUNNER_RUNNING, RUNNER_READY, RUNNER_BLOCKED, RUNNER_ERROR };

/* What a POST /v1/runs asks for; plain data, parsed away from the code that acts. */
struct run_request {
	bool remediate;
	char *profile;        /* NULL: config's */
	struct strv only, skip;
	int fail_on;          /* -1: config's, else enum cg_severity */
};

struct runner;
/* Called by the worker, without the lock held, after the state changed (STATUS=, logging). */
typedef void (*runner_state_fn)(struct runner *rn, enum runner_state st, const char *run_id, void *ud);

struct runner {
	/* set after runner_init, before the first run; read-only afterwards */
	const char *capgate;     /* the capgate binary each run executes */
	struct strv base_args;   /* given to every run: --root DIR, --config FILE */
	struct strv profiles;    /* known profile names; empty: the run itself judges */
	bool signal;             /* after each run, `capgate signal` POSTs the report (callback.*) */
	const char *lock_dir;    /* where the per-root lock lives (the runtime dir); NULL: no lock */
	const char *root;        /* the image root the runs judge (for the lock) */
	unsigned long long run_timeout_ms; /* a run still going after this is stopped; 0: no limit */
	runner_state_fn on_state;
	void *ud;

	pthread_mutex_t lock;
	pthread_cond_t idle_cond; /* signalled when the worker is done */
	/* guarded by lock */
	enum runner_state state;
	bool busy;               /* the worker runs (the run, then the signal) */
	bool thread_joinable;
	pthread_t thread;
	pid_t child;             /* the process of the run or signal, 0 when none */
	char run_id[33];
	json_t *report;          /* the report of the latest run (run_id), or NULL: never an older run's */
	char *error;             /* why the latest run is in error */
	struct run_request req;  /* the request being worked on */
	bool cancel;             /* set on shutdown */
	bool cancelled;          /* the run was cancelled by DELETE /v1/runs/ID */
	int lock_fd;             /* the per-root lock while a run holds it, else -1 */
};

void runner_init(struct runner *rn, const char *capgate);
/* Stop: SIGTERM the run's process, wait up to TIMEOUT_MS for the worker (then SIGKILL).
 * Returns -ETIMEDOUT if it still did not finish. */
int runner_stop(struct runner *rn, unsigned long long timeout_ms);
void runner_done(struct runner *rn);

/* Start a run; takes ownership of REQ's contents. -EBUSY while one is in progress (*ERR says
 * when another process holds the image root's lock), -EINVAL with *ERR set when it names an
 * unknown profile. RUN_ID receives the new id. */
int runner_start(struct runner *rn, struct run_request *req, char run_id[33], char **err);

/* Cancel run RUN_ID (DELETE /v1/runs/ID): its process group gets SIGTERM, then SIGKILL. -ENOENT
 * when RUN_ID is not the latest run, -EALREADY when it is over. */
int runner_cancel(struct runner *rn, const char *run_id);

/* A consistent snapshot for the API: the state, the id, the last report (new reference or NULL)
 * and the error message (malloc'd or NULL). */
void runner_snapshot(struct runner *rn, enum runner_state *st, char run_id[33], json_t **report, char **error);

/* The argument vector of a run (argv[0] is rn->capgate); free with strv_free. */
void runner_run_argv(const struct runner *rn, const struct run_request *req, struct strv *argv);

const char *runner_state_name(enum runner_state st);
void run_request_free(struct run_request *req);
