/* The daemon's worker: runs pipeline_run() on its own thread and keeps the state machine. */
#include "runner.h"

#include <systemd/sd-id128.h>

#include "journal.h"
#include "report.h"

const char *runner_state_name(enum runner_state st)
{
	switch (st) {
	case RUNNER_IDLE: return "idle";
	case RUNNER_RUNNING: return "running";
	case RUNNER_READY: return "ready";
	case RUNNER_BLOCKED: return "blocked";
	case RUNNER_ERROR: return "error";
	}
	return "error";
}

void run_request_free(struct run_request *req)
{
	free(req->profile);
	strv_free(&req->only);
	strv_free(&req->skip);
	*req = (struct run_request){.fail_on = -1};
}

void runner_init(struct runner *rn, const char *root, const struct cg_config *cfg)
{
	*rn = (struct runner){.root = root, .cfg = cfg, .pipeline = pipeline_run, .req.fail_on = -1};
	pthread_mutex_init(&rn->lock, NULL);
	pthread_cond_init(&rn->idle_cond, NULL);
}

/* Log what the run found: one event per failing check and finding, so the journal can be
 * queried by check and severity. Evidence is already redacted by the checks. */
static void log_findings(const char *run_id, json_t *report)
{
	size_t i, k;
	json_t *c, *f;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *sev = json_string_value(json_object_get(c, "severity"));
		const char *status = json_string_value(json_object_get(c, "status"));
		struct journal_fields jf = {.run = run_id, .check = id, .severity = sev};

		if (!status || streq(status, "pass") || streq(status, "skip"))
			continue;
		json_array_foreach(json_object_get(c, "findings"), k, f) {
			json_t *line = json_object_get(f, "line");
			char where[32] = "";
			if (json_is_integer(line))
				snprintf(where, sizeof where, " line %lld", (long long)json_integer_value(line));
			journal_log(LOG_WARNING, JEV_FINDING, &jf, "%s: '%s'%s: %s", id,
				    json_string_value(json_object_get(f, "path")), where,
				    json_string_value(json_object_get(f, "message")));
		}
		json_array_foreach(json_object_get(c, "errors"), k, f)
			journal_log(LOG_ERR, JEV_CHECK_ERROR, &jf, "%s: cannot judge '%s': %s", id,
				    json_string_value(json_object_get(f, "path")),
				    json_string_value(json_object_get(f, "message")));
	}
}

static void *runner_worker(void *arg)
{
	struct runner *rn = arg;
	struct cg_ctx ctx = {.fs.root_fd = -1};
	struct cg_selection sel;
	struct cg_report rep = {0};
	struct pipeline_opts po = {0};
	enum runner_state st = RUNNER_ERROR;
	json_t *doc = NULL;
	char *error = NULL;
	char run_id[33];
	int r;

	pthread_mutex_lock(&rn->lock);
	memcpy(run_id, rn->run_id, sizeof run_id);
	sel = (struct cg_selection){.only = rn->req.only, .skip = rn->req.skip, .profile = rn->req.profile,
				    .fail_on = rn->req.fail_on};
	po = (struct pipeline_opts){.remediate = rn->req.remediate, .cancel = &rn->cancel};
	pthread_mutex_unlock(&rn->lock);

	r = ctx_init(&ctx, rn->root, rn->cfg);
	if (r < 0)
		error = xasprintf("cannot open image root '%s': %s", rn->root, strerror(-r));
	else {
		r = rn->pipeline(&ctx, &sel, &po, &rep);
		if (r == -EOPNOTSUPP)
			error = xstrdup("remediation is not available in this build of capgate");
		else if (r < 0)
			error = xasprintf("the run failed: %s", strerror(-r));
		else if (rn->cancel)
			error = xstrdup("the run was stopped before it completed");
		else {
			doc = report_to_json(&rep);
			st = rep.verdict == CG_READY ? RUNNER_READY : rep.verdict == CG_BLOCKED ? RUNNER_BLOCKED : RUNNER_ERROR;
			if (st == RUNNER_ERROR)
				error = xstrdup("a check or action could not complete (see the report)");
		}
		scan_report_free(&rep);
		ctx_done(&ctx);
	}

	if (doc)
		log_findings(run_id, doc);
	{
		struct journal_fields jf = {.run = run_id, .verdict = runner_state_name(st)};
		json_t *sum = json_object_get(doc, "summary");
		if (doc)
			journal_log(st == RUNNER_READY ? LOG_NOTICE : LOG_WARNING, JEV_RUN_DONE, &jf,
				    "run %s: %s (%lld checks, %lld failed, %lld errors)", run_id, runner_state_name(st),
				    json_integer_value(json_object_get(sum, "checks")),
				    json_integer_value(json_object_get(sum, "fail")),
				    json_integer_value(json_object_get(sum, "error")));
		else
			journal_log(LOG_ERR, JEV_RUN_DONE, &jf, "run %s: error: %s", run_id, error);
	}

	pthread_mutex_lock(&rn->lock);
	rn->state = st;
	if (doc) {
		json_decref(rn->report);
		rn->report = json_incref(doc);
	}
	free(rn->error);
	rn->error = error;
	pthread_mutex_unlock(&rn->lock);

	if (rn->on_state)
		rn->on_state(rn, st, run_id, rn->ud);
	/* the signal is part of the run: a new run waits until it is sent (or given up) */
	if (doc && rn->on_report && !rn->cancel)
		rn->on_report(rn, run_id, doc, rn->ud);
	json_decref(doc);

	pthread_mutex_lock(&rn->lock);
	rn->busy = false;
	run_request_free(&rn->req);
	pthread_cond_broadcast(&rn->idle_cond);
	pthread_mutex_unlock(&rn->lock);
	return NULL;
}

int runner_start(struct runner *rn, struct run_request *req, char run_id[33], char **err)
{
	struct cg_selection sel = {.profile = req->profile};
	sd_id128_t id;
	bool remediate;
	int r;

	if (scan_validate_selection(rn->cfg, &sel, err) < 0)
		return -EINVAL;
	if (sd_id128_randomize(&id) < 0)
		return -EIO;

	pthread_mutex_lock(&rn->lock);
	if (rn->busy) {
		pthread_mutex_unlock(&rn->lock);
		return -EBUSY;
	}
	if (rn->thread_joinable) {
		pthread_join(rn->thread, NULL); /* the last worker has finished: busy is false */
		rn->thread_joinable = false;
	}
	sd_id128_to_string(id, rn->run_id);
	memcpy(run_id, rn->run_id, 33);
	run_request_free(&rn->req);
	rn->req = *req;
	*req = (struct run_request){.fail_on = -1};
	rn->state = RUNNER_RUNNING;
	rn->busy = true;
	rn->cancel = 0;
	remediate = rn->req.remediate;
	pthread_mutex_unlock(&rn->lock);

	/* announce before the worker exists, so its final state is always the last one announced */
	{
		struct journal_fields jf = {.run = run_id};
		journal_log(LOG_INFO, JEV_RUN_START, &jf, "run %s started (remediate: %s)", run_id,
			    remediate ? "yes" : "no");
	}
	if (rn->on_state)
		rn->on_state(rn, RUNNER_RUNNING, run_id, rn->ud);

	pthread_mutex_lock(&rn->lock);
	r = pthread_create(&rn->thread, NULL, runner_worker, rn);
	if (r != 0) {
		rn->busy = false;
		rn->state = RUNNER_ERROR;
		free(rn->error);
		rn->error = xasprintf("cannot start the worker: %s", strerror(r));
		pthread_cond_broadcast(&rn->idle_cond);
		pthread_mutex_unlock(&rn->lock);
		if (rn->on_state)
			rn->on_state(rn, RUNNER_ERROR, run_id, rn->ud);
		return -r;
	}
	rn->thread_joinable = true;
	pthread_mutex_unlock(&rn->lock);
	return 0;
}

void runner_snapshot(struct runner *rn, enum runner_state *st, char run_id[33], json_t **report, char **error)
{
	pthread_mutex_lock(&rn->lock);
	*st = rn->state;
	memcpy(run_id, rn->run_id, 33);
	if (report)
		*report = rn->report ? json_incref(rn->report) : NULL;
	if (error)
		*error = rn->error ? xstrdup(rn->error) : NULL;
	pthread_mutex_unlock(&rn->lock);
}

int runner_stop(struct runner *rn, unsigned long long timeout_ms)
{
	struct timespec deadline;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)(timeout_ms / 1000);
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&rn->lock);
	rn->cancel = 1;
	while (rn->busy && r == 0)
		r = pthread_cond_timedwait(&rn->idle_cond, &rn->lock, &deadline);
	if (!rn->busy && rn->thread_joinable) {
		pthread_join(rn->thread, NULL);
		rn->thread_joinable = false;
	}
	r = rn->busy ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&rn->lock);
	return r;
}

void runner_done(struct runner *rn)
{
	json_decref(rn->report);
	free(rn->error);
	run_request_free(&rn->req);
	pthread_mutex_destroy(&rn->lock);
	pthread_cond_destroy(&rn->idle_cond);
}
