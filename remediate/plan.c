/* SPDX-License-Identifier: Apache-2.0 */
/* The plan: findings of failing checks become items, each with a phase, in a stable order. */
#include "remediate.h"

#include <fcntl.h>
#include <fnmatch.h>

#include "config.h"

/* Phases per check (CHECKS.md, research/deprovision.md §5d); unlisted checks are "any". */
static const struct {
	const char *glob;
	unsigned phase;
} check_phases[] = {
	{"gen.machine-id", REM_PHASE_LATE},     {"gen.ssh-host-keys", REM_PHASE_LAST},
	{"gen.shell-history", REM_PHASE_LATE},  {"gen.build-user-access", REM_PHASE_LAST},
	{"gen.root-password", REM_PHASE_ANY},   {"gen.logs", REM_PHASE_LATE},
	{"gen.network-state", REM_PHASE_LATE},  {"gen.cloud-init-state", REM_PHASE_ANY},
	{"gen.agent-state", REM_PHASE_LATE},    {"gen.tmp-files", REM_PHASE_LATE},
	{"gen.package-caches", REM_PHASE_ANY},  {"gen.crash-data", REM_PHASE_ANY},
	{"gen.random-seed", REM_PHASE_LATE},    {"gen.tls-snakeoil", REM_PHASE_LAST},
	{"gen.swap-files", REM_PHASE_LATE},     {"secrets.*", REM_PHASE_ANY},
};

/* Guarded fixes (CHECKS.md "guarded"): applied only when remediate.allow names the check, or --force. */
static const char *const guarded_checks[] = {
	"gen.swap-files", "secrets.tokens", "ssh.password-authentication", "net.ip-forwarding",
	"secrets.orphaned-homes",
};

int remediate_phase_parse(const char *s, unsigned *mask)
{
	if (streq(s, "any"))
		*mask = REM_PHASE_ANY;
	else if (streq(s, "late"))
		*mask = REM_PHASE_ANY | REM_PHASE_LATE;
	else if (streq(s, "last") || streq(s, "all"))
		*mask = REM_PHASES_ALL;
	else
		return -EINVAL;
	return 0;
}

const char *remediate_phase_name(unsigned phase)
{
	switch (phase) {
	case REM_PHASE_ANY: return "any";
	case REM_PHASE_LATE: return "late";
	case REM_PHASE_LAST: return "last";
	default: return "?";
	}
}

static unsigned phase_of(const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(check_phases); i++)
		if (fnmatch(check_phases[i].glob, id, 0) == 0)
			return check_phases[i].phase;
	return REM_PHASE_ANY;
}

static bool config_lists(const struct cg_ctx *ctx, const char *key, const char *s)
{
	json_t *l = ctx->cfg ? config_get(ctx->cfg, key) : NULL;
	size_t i;
	json_t *it;

	json_array_foreach(l, i, it)
		if (json_is_string(it) && fnmatch(json_string_value(it), s, 0) == 0)
			return true;
	return false;
}

static bool is_guarded(const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(guarded_checks); i++)
		if (streq(guarded_checks[i], id))
			return true;
	return false;
}

/* Fixes that refuse in some images, as capgate(8) and `checks` say it: action id, the condition. */
static const struct {
	const char *action, *note;
} conditional_actions[] = {
	{"remove-host-keys", "refused where nothing regenerates SSH host keys at first boot (--force removes them anyway)"},
	{"remove-sudoers-rule", "grants to names nobody has are removed; NOPASSWD grants to real users are refused"},
};

enum rem_kind remediate_kind(const struct cg_check *c, const char **note)
{
	const struct rem_action *a;
	size_t n;

	if (note)
		*note = NULL;
	if (!c->remediation)
		return REM_KIND_REPORT_ONLY;
	n = strcspn(c->remediation, ":");
	a = remediate_action_find(c->remediation, n);
	if (!a || rem_action_always_refused(a))
		return REM_KIND_REFUSED;
	if (is_guarded(c->id))
		return REM_KIND_GUARDED;
	for (size_t i = 0; note && i < ELEMENTSOF(conditional_actions); i++)
		if (strlen(conditional_actions[i].action) == n && strncmp(conditional_actions[i].action, c->remediation, n) == 0)
			*note = conditional_actions[i].note;
	return REM_KIND_FIX;
}

const char *remediate_kind_name(enum rem_kind k)
{
	switch (k) {
	case REM_KIND_REPORT_ONLY: return "report-only";
	case REM_KIND_FIX: return "fix";
	case REM_KIND_GUARDED: return "guarded";
	case REM_KIND_REFUSED: return "refused";
	}
	return "?";
}

const char *remediate_label(const struct cg_check *c)
{
	return remediate_kind_name(remediate_kind(c, NULL));
}

struct rem_item *rem_plan_add(struct rem_planner *p, const char *action, const char *path, const char *arg)
{
	const struct rem_action *a = remediate_action_find(action, strlen(action));
	struct rem_plan *pl = p->plan;
	struct rem_item *it;

	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].action == a && streq(pl->v[i].path, path) &&
		    ((!arg && !pl->v[i].arg) || (arg && pl->v[i].arg && streq(arg, pl->v[i].arg)))) {
			it = &pl->v[i];
			/* the same change asked by a second check: a safe request wins over a guarded or
			 * skipped one (a history holding a token is still a history to remove) */
			if (!a || it->state != REM_REFUSED || p->refuse)
				return it;
			free(it->reason);
			it->reason = NULL;
			it->state = REM_PLANNED;
			it->check_id = p->result->check->id;
			it->phase = p->phase;
			goto judge;
		}
	pl->v = xreallocarray(pl->v, pl->n + 1, sizeof *pl->v);
	it = &pl->v[pl->n++];
	*it = (struct rem_item){
		.action = a, .check_id = p->result->check->id, .path = xstrdup(path), .arg = arg ? xstrdup(arg) : NULL,
		.phase = p->phase, .order = 1,
	};
	if (!a) {
		it->state = REM_REFUSED;
		it->reason = xasprintf("no action '%s' in this build", action);
		return it;
	}
judge:
	if (p->refuse) {
		it->state = REM_REFUSED;
		it->reason = xstrdup(p->refuse);
		return it;
	}
	if (config_lists(p->ctx, "remediate.exclude", path)) {
		it->state = REM_REFUSED;
		it->reason = xstrdup("excluded by remediate.exclude in config");
		return it;
	}
	/* a bind mount, tmpfs or host directory under the root is not the image (DESIGN.md) */
	int m = safefs_check_mount_path(&p->ctx->fs, path);
	if (m < 0) {
		it->state = REM_REFUSED;
		it->reason = xstrdup(safefs_strerror(m));
		return it;
	}
	/* remember the inode: apply refuses anything swapped in since (a FIFO, a symlink) */
	if (safefs_lstat(&p->ctx->fs, path, &it->st) == 0)
		it->have_st = true;
	return it;
}

void rem_plan_refuse(struct rem_planner *p, const char *action, const char *path, const char *fmt, ...)
{
	struct rem_item *it = rem_plan_add(p, action, path, NULL);
	va_list ap;

	if (it->state == REM_REFUSED)
		return;
	free(it->reason);
	va_start(ap, fmt);
	if (vasprintf(&it->reason, fmt, ap) < 0)
		abort();
	va_end(ap);
	it->state = REM_REFUSED;
}

void rem_plan_deprovision(struct rem_planner *p, const char *action, const char *path, const char *arg, const char *why)
{
	struct rem_item *it = rem_plan_add(p, action, path, arg);

	free(it->reason);
	it->reason = xstrdup(why);
	it->state = REM_REFUSED;
	it->phase = REM_PHASE_LAST;
	it->deprovision = true;
}

bool remediate_item_deprovisions(const struct rem_item *it, const char *check_id, const struct cg_finding *f)
{
	return it->deprovision && streq(it->check_id, check_id) && streq(it->path, f->path) &&
	       (!it->arg || (f->evidence && streq(it->arg, f->evidence)));
}

/* waagent -deprovision+user reads the user to delete from its ovf-env.xml, then empties its own
 * directory: removing the file earlier would leave the build user in the image. */
#define WAAGENT_OVF "/var/lib/waagent/ovf-env.xml"

static bool waagent_reads(struct cg_ctx *ctx, const char *path)
{
	struct stat st;

	return streq(path, WAAGENT_OVF) &&
	       (safefs_lstat(&ctx->fs, "/usr/sbin/waagent", &st) == 0 || safefs_lstat(&ctx->fs, "/usr/bin/waagent", &st) == 0);
}

static int item_cmp(const void *a, const void *b)
{
	const struct rem_item *x = a, *y = b;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return 0;
}

int remediate_plan(struct cg_ctx *ctx, const struct cg_report *rep, const struct rem_opts *o, struct rem_plan *plan)
{
	unsigned phases = o->phases ? o->phases : ctx->mode == CG_MODE_LIVE ? REM_PHASES_RUN : REM_PHASES_ALL;

	*plan = (struct rem_plan){.phases = phases};
	for (size_t i = 0; i < rep->n; i++) {
		const struct cg_result *r = &rep->results[i];
		const struct cg_check *c = r->check;
		const char *rid = c->remediation, *colon;
		const struct rem_action *a;
		_cleanup_free_ char *refuse = NULL;

		if (r->status != CG_FAIL || !rid)
			continue;
		colon = strchr(rid, ':');
		a = remediate_action_find(rid, colon ? (size_t)(colon - rid) : strlen(rid));
		struct rem_planner p = {
			.ctx = ctx, .plan = plan, .opts = o, .result = r, .action_arg = colon ? colon + 1 : NULL,
			.phase = phase_of(c->id),
		};
		if (is_guarded(c->id) && !o->force && !config_lists(ctx, "remediate.allow", c->id))
			refuse = xasprintf("guarded fix: name '%s' in remediate.allow or pass --force", c->id);
		else if (config_lists(ctx, "remediate.skip", c->id))
			refuse = xasprintf("'%s' is in remediate.skip", c->id);
		p.refuse = refuse;
		for (size_t k = 0; k < r->nfindings; k++) {
			const struct cg_finding *f = &r->findings[k];
			if (!a) {
				_cleanup_free_ char *id = xstrndup(rid, colon ? (size_t)(colon - rid) : strlen(rid));
				rem_plan_refuse(&p, id, f->path, "no action '%s' in this build", id);
			} else if (waagent_reads(ctx, f->path))
				rem_plan_deprovision(&p, a->id, f->path, NULL,
						     "kept for waagent -deprovision+user, which reads the user to delete "
						     "from it and then empties /var/lib/waagent; the final check judges it");
			else if (a->plan)
				a->plan(&p, f);
			else
				rem_plan_add(&p, a->id, f->path, NULL);
		}
	}
	for (size_t i = 0; i < plan->n; i++) {
		struct rem_item *it = &plan->v[i];
		it->selected = (it->phase & phases) != 0;
		if (!it->selected && it->state == REM_PLANNED)
			it->reason = xasprintf("phase '%s' not selected (capgate fix --phase %s)",
					       remediate_phase_name(it->phase), remediate_phase_name(it->phase));
	}
	/* stable: items keep finding order within a phase and order class */
	for (size_t i = 1; i < plan->n; i++)
		for (size_t j = i; j > 0 && item_cmp(&plan->v[j - 1], &plan->v[j]) > 0; j--) {
			struct rem_item t = plan->v[j];
			plan->v[j] = plan->v[j - 1];
			plan->v[j - 1] = t;
		}
	/* an item on a path an earlier removal takes away (the same file found by two checks, a
	 * file inside a removed tree) would only find it gone: say so in the plan, so that the
	 * dry run and the real run print the same */
	for (size_t b = 0; b < plan->n; b++) {
		struct rem_item *B = &plan->v[b];
		/* a redaction is pointless before or after a removal of the file, wherever it sorts */
		bool rewrite = B->action && streq(B->action->id, "redact-value");
		for (size_t a = 0; a < (rewrite ? plan->n : b) && B->state == REM_PLANNED && B->selected; a++) {
			const struct rem_item *A = &plan->v[a];
			size_t n = strlen(A->path);
			if (a == b || A->state != REM_PLANNED || !A->selected || !A->action ||
			    !(startswith(A->action->id, "remove-") || streq(A->action->id, "vacuum-journal")))
				continue;
			if (streq(A->path, B->path) || (strncmp(A->path, B->path, n) == 0 && B->path[n] == '/')) {
				B->state = REM_REFUSED;
				B->reason = xasprintf("removed with '%s' (%s)", A->path, A->check_id);
			}
		}
	}
	return 0;
}

static const char *item_action_id(const struct rem_item *it)
{
	return it->action ? it->action->id : "unknown";
}

void remediate_plan_print(const struct rem_plan *plan, FILE *out)
{
	size_t apply = 0;

	for (size_t i = 0; i < plan->n; i++)
		apply += plan->v[i].state == REM_PLANNED && plan->v[i].selected;
	fprintf(out, "plan: %zu actions to apply, %zu not applied (phases:%s%s%s)\n", apply, plan->n - apply,
		plan->phases & REM_PHASE_ANY ? " any" : "", plan->phases & REM_PHASE_LATE ? " late" : "",
		plan->phases & REM_PHASE_LAST ? " last" : "");
	for (size_t i = 0; i < plan->n; i++) {
		const struct rem_item *it = &plan->v[i];
		bool go = it->state == REM_PLANNED && it->selected;
		fprintf(out, "  %-4s %-5s %-20s ", go ? "do" : "skip", remediate_phase_name(it->phase), item_action_id(it));
		util_fput_escaped(out, it->path);
		if (it->arg) {
			fputs(" [", out);
			util_fput_escaped(out, it->arg);
			fputc(']', out);
		}
		fprintf(out, " (%s)", it->check_id);
		if (!go && it->reason) {
			fputs(": ", out);
			util_fput_escaped(out, it->reason);
		}
		fputc('\n', out);
	}
}

static const char *state_name(const struct rem_item *it, bool dry_run)
{
	if (it->state == REM_DONE)
		return "done";
	if (it->state == REM_FAILED)
		return "failed";
	if (it->state == REM_PLANNED && it->selected && dry_run)
		return "planned";
	return "skipped";
}

/* Jansson refuses invalid UTF-8; paths may hold any byte. */
static json_t *jstr(const char *s)
{
	json_t *j;
	struct strbuf sb = {0};

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			strbuf_append(&sb, (const char *)p, 1);
		else
			strbuf_printf(&sb, "\\x%02x", *p);
	}
	j = json_string(sb.buf ? sb.buf : "");
	strbuf_free(&sb);
	return j;
}

json_t *remediate_actions_json(const struct rem_plan *plan, bool dry_run)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < plan->n; i++) {
		const struct rem_item *it = &plan->v[i];
		json_t *a = json_pack("{s:s, s:o, s:s, s:s, s:s}", "action", item_action_id(it), "path", jstr(it->path),
				      "check", it->check_id, "phase", remediate_phase_name(it->phase),
				      "result", state_name(it, dry_run));
		if (it->arg)
			json_object_set_new(a, "arg", jstr(it->arg));
		if (it->have_meta) {
			char mode[8], owner[32];
			snprintf(mode, sizeof mode, "%04o", (unsigned)(it->mode & 07777));
			snprintf(owner, sizeof owner, "%u:%u", (unsigned)it->uid, (unsigned)it->gid);
			json_object_set_new(a, "size", json_integer(it->size));
			json_object_set_new(a, "mode", json_string(mode));
			json_object_set_new(a, "owner", json_string(owner));
		}
		else if (it->state == REM_DONE)
			json_object_set_new(a, "existed", json_false()); /* created: there was no before */
		if (it->have_sha && it->extents) {
			/* sparse: the holes were not read; the data extents and their hash say the content */
			json_t *ext = json_array();
			for (size_t k = 0; k < it->nextents; k++)
				json_array_append_new(ext, json_pack("[I, I]", (json_int_t)it->extents[2 * k],
								     (json_int_t)it->extents[2 * k + 1]));
			json_object_set_new(a, "sha256_before", json_null());
			json_object_set_new(a, "sha256_data", json_string(it->sha256));
			json_object_set_new(a, "data_extents", ext);
		} else
			json_object_set_new(a, "sha256_before", it->have_sha ? json_string(it->sha256) : json_null());
		if (it->have_after)
			json_object_set_new(a, "sha256_after", json_string(it->sha256_after));
		if (it->files)
			json_object_set_new(a, "files", json_integer((json_int_t)it->files));
		if (it->reason && it->state != REM_DONE)
			json_object_set_new(a, "reason", jstr(it->reason));
		json_array_append_new(arr, a);
	}
	return arr;
}

int remediate_manifest_write(const struct cg_ctx *ctx, const struct rem_plan *plan, const char *file, bool durable)
{
	json_t *entries = json_array(), *all = remediate_actions_json(plan, false), *a, *doc;
	size_t i;
	char ts[32];
	int r = 0;

	/* the manifest lists changes: what was done or tried, not what was left alone */
	json_array_foreach(all, i, a) {
		const char *res = json_string_value(json_object_get(a, "result"));
		if (streq(res, "done") || streq(res, "failed"))
			json_array_append(entries, a);
	}
	json_decref(all);
	util_rfc3339(time(NULL), ts);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:o}", "schema", "capgate.manifest/v1", "root", ctx->root,
			"mode", ctx_mode_name(ctx), "written_at", ts, "entries", entries);
	/* a host file, not the image's: an O_EXCL temp beside it, fsync, rename */
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	if (!text)
		r = -ENOMEM;
	else {
		size_t n = strlen(text);
		text = xrealloc(text, n + 2);
		text[n] = '\n';
		text[n + 1] = '\0';
		r = util_write_host_file(file, text, n + 1, 0644, durable);
		free(text);
	}
	json_decref(doc);
	return r;
}

void remediate_plan_free(struct rem_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->v[i].path);
		free(plan->v[i].arg);
		free(plan->v[i].reason);
		free(plan->v[i].extents);
		free(plan->v[i].spans);
	}
	free(plan->v);
	*plan = (struct rem_plan){0};
}
