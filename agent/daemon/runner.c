/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's worker: one run at a time as a child capgate process; the state machine. */
#include "runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-id128.h>

#include "journal.h"
#include "runlock.h"
#include "severity.h"

#define RUNNER_MAX_REPORT (256u << 20)
#define RUNNER_MAX_STDERR (64u << 10)
#define RUNNER_KILL_GRACE_MS 5000ULL /* after SIGTERM (cancel), SIGKILL this much later */

extern char **environ;

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

void runner_init(struct runner *rn, const char *capgate)
{
	*rn = (struct runner){.capgate = capgate, .req.fail_on = -1, .lock_fd = -1};
	pthread_mutex_init(&rn->lock, NULL);
	pthread_cond_init(&rn->idle_cond, NULL);
}

static void push_joined(struct strv *argv, const char *flag, const struct strv *l)
{
	struct strbuf sb = {0};
	if (!l->n)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strbuf_puts(&sb, ",");
		strbuf_puts(&sb, l->v[i]);
	}
	strv_push(argv, flag);
	strv_push(argv, sb.buf);
	strbuf_free(&sb);
}

void runner_run_argv(const struct runner *rn, const struct run_request *req, struct strv *argv)
{
	strv_push(argv, rn->capgate);
	/* remediation is the run verb's job (scan, fix, rescan); a plain run only judges */
	strv_push(argv, req->remediate ? "run" : "scan");
	if (req->remediate)
		strv_push(argv, "--remediate");
	strv_push(argv, "--format");
	strv_push(argv, "json");
	for (size_t i = 0; i < rn->base_args.n; i++)
		strv_push(argv, rn->base_args.v[i]);
	if (req->profile) {
		strv_push(argv, "--profile");
		strv_push(argv, req->profile);
	}
	push_joined(argv, "--only", &req->only);
	push_joined(argv, "--skip", &req->skip);
	if (req->fail_on >= 0) {
		strv_push(argv, "--fail-on");
		strv_push(argv, severity_name((enum cg_severity)req->fail_on));
	}
}

static bool runner_cancelled(struct runner *rn)
{
	bool c;
	pthread_mutex_lock(&rn->lock);
	c = rn->cancel;
	pthread_mutex_unlock(&rn->lock);
	return c;
}

static bool runner_was_cancelled(struct runner *rn)
{
	bool c;
	pthread_mutex_lock(&rn->lock);
	c = rn->cancelled;
	pthread_mutex_unlock(&rn->lock);
	return c;
}

/* Read FD to its end into SB, at most MAX bytes; -EFBIG beyond. */
static int read_all(int fd, struct strbuf *sb, size_t max)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (sb->len + (size_t)n > max)
			return -EFBIG;
		strbuf_append(sb, buf, (size_t)n);
	}
}

static int runner_reap(struct runner *rn, pid_t pid);

/* Spawn ARGV with stdin from IN_FD (or /dev/null), stdout to a pipe (returned in *OUT_FD) and
 * stderr to a memfd (*ERR_FD), and record the child for runner_stop. The child leads its own
 * process group (a stop or cancel reaches everything it started), dies with the thread that
 * started it (PR_SET_PDEATHSIG: a killed daemon leaves no orphan run), and keeps the per-root lock
 * open across exec (CAPGATE_ROOTLOCK_FD), so whatever outlives us still holds it. Returns the pid
 * or -errno. */
static pid_t runner_spawn(struct runner *rn, char **argv, int in_fd, int *out_fd, int *err_fd)
{
	struct strv env = {0};
	int out[2], ep[2], efd, r = 0, keep, child_errno = 0;
	pid_t pid = -1, parent = getpid();
	ssize_t n;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		r = -errno;
		close(out[0]);
		close(out[1]);
		return r;
	}
	efd = memfd_create("capgate-run-stderr", MFD_CLOEXEC);
	if (efd < 0) {
		r = -errno;
		close(out[0]);
		close(out[1]);
		close(ep[0]);
		close(ep[1]);
		return r;
	}
	pthread_mutex_lock(&rn->lock);
	keep = rn->lock_fd;
	for (char **e = environ; e && *e; e++)
		if (!startswith(*e, "CAPGATE_ROOTLOCK_FD="))
			strv_push(&env, *e);
	if (keep >= 0) {
		_cleanup_free_ char *v = xasprintf("CAPGATE_ROOTLOCK_FD=%d", keep);
		strv_push(&env, v);
	}
	if (rn->cancel || rn->cancelled)
		r = -ECANCELED;
	else {
		pid = fork();
		if (pid == 0) {
			/* the child: only async-signal-safe calls until exec */
			struct sigaction dfl = {.sa_handler = SIG_DFL};
			sigset_t none;
			int nul;
			setpgid(0, 0);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127); /* the daemon died before the line above */
			nul = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (nul < 0 || dup2(nul, STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0 ||
			    dup2(efd, STDERR_FILENO) < 0)
				goto fail;
			if (keep >= 0 && fcntl(keep, F_SETFD, 0) < 0)
				goto fail;
			/* the daemon blocks its stop signals and ignores SIGPIPE; a run must not inherit either */
			for (int sig = 1; sig < NSIG; sig++)
				if (sig != SIGKILL && sig != SIGSTOP)
					sigaction(sig, &dfl, NULL);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			execve(argv[0], argv, env.v);
		fail:
			child_errno = errno;
			n = write(ep[1], &child_errno, sizeof child_errno);
			(void)n;
			_exit(127);
		}
		if (pid < 0)
			r = -errno;
		else
			rn->child = pid;
	}
	pthread_mutex_unlock(&rn->lock);
	strv_free(&env);
	close(out[1]);
	close(ep[1]);
	if (r == 0) {
		/* exec closes the error pipe; anything read from it is why exec failed */
		while ((n = read(ep[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
			;
		if (n == (ssize_t)sizeof child_errno) {
			runner_reap(rn, pid);
			r = -child_errno;
		}
	}
	close(ep[0]);
	if (r < 0) {
		close(out[0]);
		close(efd);
		return r;
	}
	*out_fd = out[0];
	*err_fd = efd;
	return pid;
}

static int runner_reap(struct runner *rn, pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&rn->lock);
	rn->child = 0;
	pthread_mutex_unlock(&rn->lock);
	return status;
}

/* The child's stderr, relayed line by line to our log; the first line is kept for messages. */
static char *relay_stderr(int efd, const char *run_id)
{
	struct strbuf sb = {0};
	struct journal_fields jf = {.run = run_id};
	char *first = NULL, *save = NULL;

	lseek(efd, 0, SEEK_SET);
	read_all(efd, &sb, RUNNER_MAX_STDERR);
	for (char *line = sb.buf ? strtok_r(sb.buf, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		if (!first)
			first = xstrdup(line);
		journal_log(LOG_WARNING, JEV_RUN_DONE, &jf, "run %s: %s", run_id, line);
	}
	strbuf_free(&sb);
	return first;
}

/* Log what the run found: one event per finding and per check error, so the journal can be
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

/* Read the run's stdout to its end (at most RUNNER_MAX_REPORT) while minding the time limit and a
 * cancel: past the limit the process group gets SIGKILL (*TIMED_OUT); a cancelled run gets
 * SIGKILL RUNNER_KILL_GRACE_MS after its SIGTERM. */
static int runner_collect(struct runner *rn, pid_t pid, int fd, struct strbuf *sb, bool *timed_out)
{
	unsigned long long start = util_now_ms(), cancel_at = 0;
	char buf[65536];

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		unsigned long long now = util_now_ms();
		bool cancelled;
		int pr;

		pthread_mutex_lock(&rn->lock);
		cancelled = rn->cancelled;
		pthread_mutex_unlock(&rn->lock);
		if (cancelled && !cancel_at)
			cancel_at = now;
		if ((rn->run_timeout_ms && now - start >= rn->run_timeout_ms) ||
		    (cancel_at && now - cancel_at >= RUNNER_KILL_GRACE_MS)) {
			kill(-pid, SIGKILL);
			if (!cancel_at)
				*timed_out = true;
			return 0; /* a group member that kept the pipe open must not hold us */
		}
		pr = poll(&p, 1, 200);
		if (pr < 0 && errno != EINTR)
			return -errno;
		if (pr <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (sb->len + (size_t)n > RUNNER_MAX_REPORT)
			return -EFBIG;
		strbuf_append(sb, buf, (size_t)n);
	}
}

/* Run the pipeline process; sets *DOC (the report) or *ERROR. */
static enum runner_state runner_execute(struct runner *rn, const char *run_id, json_t **doc, char **error)
{
	struct strv argv = {0};
	struct strbuf out = {0};
	_cleanup_free_ char *first_err = NULL;
	int ofd = -1, efd = -1, status, r;
	bool remediate, timed_out = false, cancelled;
	pid_t pid;

	pthread_mutex_lock(&rn->lock);
	runner_run_argv(rn, &rn->req, &argv);
	remediate = rn->req.remediate;
	pthread_mutex_unlock(&rn->lock);

	pid = runner_spawn(rn, argv.v, -1, &ofd, &efd);
	strv_free(&argv);
	if (pid < 0) {
		*error = pid == -ECANCELED ? (runner_was_cancelled(rn) ? xasprintf("the run was cancelled (DELETE /v1/runs/%s)", run_id)
								      : xstrdup("the run was stopped before it started"))
					   : xasprintf("cannot start '%s': %s", rn->capgate, strerror((int)-pid));
		return RUNNER_ERROR;
	}
	r = runner_collect(rn, pid, ofd, &out, &timed_out);
	if (r < 0)
		kill(-pid, SIGKILL); /* a report that large is not one */
	close(ofd);
	status = runner_reap(rn, pid);
	first_err = relay_stderr(efd, run_id);
	close(efd);

	pthread_mutex_lock(&rn->lock);
	cancelled = rn->cancelled;
	pthread_mutex_unlock(&rn->lock);
	if (timed_out || cancelled) {
		strbuf_free(&out);
		if (timed_out)
			*error = xasprintf("the run exceeded its time limit of %llu s (daemon.run_timeout) and was stopped",
					   rn->run_timeout_ms / 1000);
		else
			*error = xasprintf("the run was cancelled (DELETE /v1/runs/%s)", run_id);
		return RUNNER_ERROR;
	}
	if (WIFSIGNALED(status)) {
		strbuf_free(&out);
		*error = runner_cancelled(rn) ? xstrdup("the run was stopped before it completed")
				    : xasprintf("the run crashed (%s)", sigabbrev_np(WTERMSIG(status)) ?: "signal");
		return RUNNER_ERROR;
	}
	if (WEXITSTATUS(status) == 2) {
		strbuf_free(&out);
		/* a usage error from our own arguments: in practice, a build without remediation */
		if (remediate && first_err && strstr(first_err, "unknown verb"))
			*error = xstrdup("remediation is not available in this build of capgate");
		else
			*error = xasprintf("the run refused its settings: %s", first_err ? first_err : "exit 2");
		return RUNNER_ERROR;
	}
	*doc = r == 0 && out.len ? json_loadb(out.buf, out.len, 0, NULL) : NULL;
	strbuf_free(&out);
	if (!json_is_object(*doc) || !json_is_string(json_object_get(*doc, "verdict"))) {
		json_decref(*doc);
		*doc = NULL;
		*error = xasprintf("the run ended (exit %d) without a report%s%s", WEXITSTATUS(status),
				   first_err ? ": " : "", first_err ? first_err : "");
		return RUNNER_ERROR;
	}
	/* the report names its run: capgate.report/v1 gains a top-level run_id (a compatible addition) */
	json_object_set_new(*doc, "run_id", json_string(run_id));
	const char *v = json_string_value(json_object_get(*doc, "verdict"));
	if (streq(v, "ready") && WEXITSTATUS(status) == 0)
		return RUNNER_READY;
	if (streq(v, "blocked") && WEXITSTATUS(status) == 1)
		return RUNNER_BLOCKED;
	*error = xstrdup("a check or action could not complete (see the report)");
	return RUNNER_ERROR;
}

/* `capgate signal` with the report on its stdin: the signed callback POST, with its retries. */
static void runner_signal(struct runner *rn, const char *run_id, json_t *doc)
{
	struct strv argv = {0};
	_cleanup_free_ char *body = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
	int in[2], ofd = -1, efd = -1;
	size_t off = 0, len = body ? strlen(body) : 0;
	pid_t pid;

	if (!body || pipe2(in, O_CLOEXEC) < 0)
		return;
	strv_push(&argv, rn->capgate);
	strv_push(&argv, "signal");
	strv_push(&argv, "--run-id");
	strv_push(&argv, run_id);
	for (size_t i = 0; i + 1 < rn->base_args.n; i++)
		if (streq(rn->base_args.v[i], "--config")) {
			strv_push(&argv, "--config");
			strv_push(&argv, rn->base_args.v[i + 1]);
		}
	pid = runner_spawn(rn, argv.v, in[0], &ofd, &efd);
	strv_free(&argv);
	close(in[0]);
	if (pid < 0) {
		close(in[1]);
		return;
	}
	signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		ssize_t n = write(in[1], body + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(in[1]);
	{
		struct strbuf discard = {0};
		read_all(ofd, &discard, 1 << 20);
		strbuf_free(&discard);
	}
	close(ofd);
	runner_reap(rn, pid);
	/* its stderr goes to the log line by line; unlike a run's, the first line decides nothing */
	free(relay_stderr(efd, run_id));
	close(efd);
}

static void *runner_worker(void *arg)
{
	struct runner *rn = arg;
	enum runner_state st;
	json_t *doc = NULL;
	char *error = NULL;
	char run_id[33];

	pthread_mutex_lock(&rn->lock);
	memcpy(run_id, rn->run_id, sizeof run_id);
	pthread_mutex_unlock(&rn->lock);

	st = runner_execute(rn, run_id, &doc, &error);
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

	/* the latest run's report or none: an older run's verdict is never served as this one's */
	pthread_mutex_lock(&rn->lock);
	rn->state = st;
	json_decref(rn->report);
	rn->report = doc ? json_incref(doc) : NULL;
	free(rn->error);
	rn->error = error;
	pthread_mutex_unlock(&rn->lock);

	if (rn->on_state)
		rn->on_state(rn, st, run_id, rn->ud);
	/* the signal is part of the run: a new run waits until it is sent (or given up) */
	if (doc && rn->signal && !runner_cancelled(rn))
		runner_signal(rn, run_id, doc);
	json_decref(doc);

	pthread_mutex_lock(&rn->lock);
	rn->busy = false;
	runlock_release(rn->lock_fd);
	rn->lock_fd = -1;
	run_request_free(&rn->req);
	pthread_cond_broadcast(&rn->idle_cond);
	pthread_mutex_unlock(&rn->lock);
	return NULL;
}

int runner_start(struct runner *rn, struct run_request *req, char run_id[33], char **err)
{
	sd_id128_t id;
	bool remediate, known = rn->profiles.n == 0 || !req->profile;
	int r;

	for (size_t i = 0; !known && i < rn->profiles.n; i++)
		known = streq(rn->profiles.v[i], req->profile);
	if (!known) {
		*err = xasprintf("unknown profile '%s'", req->profile);
		return -EINVAL;
	}
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
	if (rn->lock_dir && rn->root) {
		/* one run per image on this host, across our restarts and against `capgate fix` */
		pid_t holder = 0;
		r = runlock_acquire(rn->lock_dir, rn->root, &holder);
		if (r < 0) {
			pthread_mutex_unlock(&rn->lock);
			if (r == -EBUSY) {
				*err = holder > 0 ? xasprintf("the image root '%s' is held by another capgate process (pid %d)",
							       rn->root, (int)holder)
						  : xasprintf("the image root '%s' is held by another capgate process", rn->root);
				return -EBUSY;
			}
			*err = xasprintf("cannot lock the image root '%s': %s", rn->root, strerror(-r));
			return r;
		}
		rn->lock_fd = r;
	}
	sd_id128_to_string(id, rn->run_id);
	json_decref(rn->report);
	rn->report = NULL;
	free(rn->error);
	rn->error = NULL;
	rn->cancelled = false;
	memcpy(run_id, rn->run_id, 33);
	run_request_free(&rn->req);
	rn->req = *req;
	*req = (struct run_request){.fail_on = -1};
	rn->state = RUNNER_RUNNING;
	rn->busy = true;
	rn->cancel = false;
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
		runlock_release(rn->lock_fd);
		rn->lock_fd = -1;
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

int runner_cancel(struct runner *rn, const char *run_id)
{
	int r = 0;

	pthread_mutex_lock(&rn->lock);
	if (!rn->run_id[0] || !streq(rn->run_id, run_id))
		r = -ENOENT;
	else if (rn->state != RUNNER_RUNNING)
		r = -EALREADY;
	else {
		rn->cancelled = true;
		if (rn->child > 0)
			kill(-rn->child, SIGTERM);
	}
	pthread_mutex_unlock(&rn->lock);
	if (r == 0) {
		struct journal_fields jf = {.run = run_id};
		journal_log(LOG_NOTICE, JEV_RUN_DONE, &jf, "run %s: cancel requested", run_id);
	}
	return r;
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

static int wait_idle(struct runner *rn, unsigned long long ms)
{
	struct timespec deadline;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)(ms / 1000);
	deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (rn->busy && r == 0)
		r = pthread_cond_timedwait(&rn->idle_cond, &rn->lock, &deadline);
	return rn->busy ? -ETIMEDOUT : 0;
}

int runner_stop(struct runner *rn, unsigned long long timeout_ms)
{
	int r;

	pthread_mutex_lock(&rn->lock);
	rn->cancel = true;
	/* the run's process gets SIGTERM, then SIGKILL when it outlives the timeout */
	if (rn->child > 0)
		kill(-rn->child, SIGTERM);
	r = wait_idle(rn, timeout_ms);
	if (r < 0 && rn->child > 0) {
		kill(-rn->child, SIGKILL);
		r = wait_idle(rn, 2000);
	}
	if (!rn->busy && rn->thread_joinable) {
		pthread_join(rn->thread, NULL);
		rn->thread_joinable = false;
	}
	pthread_mutex_unlock(&rn->lock);
	return r;
}

void runner_done(struct runner *rn)
{
	runlock_release(rn->lock_fd);
	json_decref(rn->report);
	free(rn->error);
	run_request_free(&rn->req);
	strv_free(&rn->base_args);
	strv_free(&rn->profiles);
	pthread_mutex_destroy(&rn->lock);
	pthread_cond_destroy(&rn->idle_cond);
}
