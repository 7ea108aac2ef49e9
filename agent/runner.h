/* The daemon's one pipeline at a time: a worker thread and the state machine
 * idle -> running -> ready | blocked | error (and running again on the next request). */
#pragma once
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "pipeline.h"

enum runner_state { RUNNER_IDLE, RUNNER_RUNNING, RUNNER_READY, RUNNER_BLOCKED, RUNNER_ERROR };

/* What a POST /v1/runs asks for; plain data, parsed away from the code that acts. */
struct run_request {
	bool remediate;
	char *profile;        /* NULL: config's */
	struct strv only, skip;
	int fail_on;          /* -1: config's */
};

typedef int (*runner_pipeline_fn)(struct cg_ctx *ctx, const struct cg_selection *sel,
				  const struct pipeline_opts *o, struct cg_report *rep);

struct runner;
/* Called by the worker, without the lock held, after the state changed (STATUS=, logging). */
typedef void (*runner_state_fn)(struct runner *rn, enum runner_state st, const char *run_id, void *ud);
/* Called by the worker with the final report of a completed run (the callback POST). */
typedef void (*runner_report_fn)(struct runner *rn, const char *run_id, json_t *report, void *ud);

struct runner {
	/* set before runner_init's caller starts runs; read-only afterwards */
	const char *root;
	const struct cg_config *cfg;
	runner_pipeline_fn pipeline; /* pipeline_run, or a test's own */
	runner_state_fn on_state;
	runner_report_fn on_report;
	void *ud;

	pthread_mutex_t lock;
	pthread_cond_t idle_cond; /* signalled when the worker is done */
	/* guarded by lock */
	enum runner_state state;
	bool busy;               /* the worker runs (pipeline, then the report hook) */
	bool thread_joinable;
	pthread_t thread;
	char run_id[33];
	json_t *report;          /* last complete report, or NULL */
	char *error;             /* why the last run ended in error */
	struct run_request req;  /* the request being worked on */
	volatile int cancel;     /* set on shutdown; the pipeline stops between checks */
};

void runner_init(struct runner *rn, const char *root, const struct cg_config *cfg);
/* Stop: ask the worker to cancel, wait up to TIMEOUT_MS for it. Returns -ETIMEDOUT if it did
 * not finish (the caller then exits anyway). */
int runner_stop(struct runner *rn, unsigned long long timeout_ms);
void runner_done(struct runner *rn);

/* Start a run; takes ownership of REQ's contents. -EBUSY while one is in progress, -EINVAL with
 * *ERR set when the selection is bad (unknown profile). RUN_ID receives the new id. */
int runner_start(struct runner *rn, struct run_request *req, char run_id[33], char **err);

/* A consistent snapshot for the API: the state, the id, the last report (new reference or NULL)
 * and the error message (malloc'd or NULL). */
void runner_snapshot(struct runner *rn, enum runner_state *st, char run_id[33], json_t **report, char **error);

const char *runner_state_name(enum runner_state st);
void run_request_free(struct run_request *req);
