/* SPDX-License-Identifier: Apache-2.0 */
/* The secrets content engine. Measured shape (research/performance.md §4.2): Vectorscan streaming
 * with single-match flags runs at 1.6x a plain read on one core and ~1.1x with a worker per core,
 * with flat memory; exact offsets (start-of-match) only for the few files that hit.
 *
 * Binary files, decided by content (first bytes), not by name: ELF objects and compressed or
 * media formats (gzip, xz, zstd, bzip2, zip, PNG, JPEG, GIF, WOFF) are not scanned — secrets in
 * ELF are rare and compressed bytes cannot match a token; everything else, SQLite databases,
 * .pyc, JSON blobs and unknown binaries included, is scanned byte for byte. */
#include "secretscan.h"

#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <hs/hs.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "redact.h"

#define CHUNK (256u << 10)        /* read size of the detection pass */
#define SNIFF 4096u               /* first read of a file: enough to tell its format */
#define VERIFY_BLOCK (512u << 10) /* block size of the location pass (cut at newlines) */
#define VERIFY_OVERLAP (8u << 10) /* kept across a cut inside a line longer than a block */
#define QUEUE_CAP 256             /* walked files waiting for a worker; bounds descriptors */
#define WAKE_BATCH 16             /* queued files that wake a sleeping worker (one wake per file cost
				   * ~15 ms of futex calls and context switches on a stock rootfs) */
#define MAX_MATCHES_PER_BLOCK 4096
#define MAX_WORKERS 64
#define MAX_RULES SECRET_MAX_RULES


/* ---- the compiled databases: a pure function of the rule table, built once per process ----
 * Compiling costs more than scanning a stock image: the detection database ~30 ms, a location
 * database with every rule ~40 ms (password-assignment alone ~20 ms with start-of-match). So
 * location databases are one per rule, built when a file first hits that rule. */

static struct {
	pthread_once_t once;
	hs_database_t *detect; /* streaming, single match */
	bool prebuilt;         /* loaded from the build-time blob, not compiled */
	int err;
	pthread_mutex_t locate_mu;
	hs_database_t *locate[MAX_RULES]; /* block, leftmost start of match; one per rule */
	struct secret_mask locate_failed;
} dbs = {.once = PTHREAD_ONCE_INIT, .locate_mu = PTHREAD_MUTEX_INITIALIZER};

/* Rules FIRST..FIRST+N-1 in one database; each pattern reports under its rule index. */
static hs_database_t *compile(unsigned mode, unsigned extra, size_t first, size_t n)
{
	const char *pats[MAX_RULES];
	unsigned flags[MAX_RULES], ids[MAX_RULES];
	hs_database_t *db = NULL;
	hs_compile_error_t *cerr = NULL;

	for (size_t i = 0; i < n; i++) {
		pats[i] = secret_rules[first + i].pattern;
		flags[i] = extra | (secret_rules[first + i].caseless ? HS_FLAG_CASELESS : 0);
		ids[i] = (unsigned)(first + i);
	}
	if (hs_compile_multi(pats, flags, ids, (unsigned)n, mode, NULL, &db, &cerr) != HS_SUCCESS) {
		fprintf(stderr, "capgate: secrets: rule '%s' does not compile: %s\n",
			cerr && cerr->expression >= 0 ? secret_rules[first + (size_t)cerr->expression].id : "?",
			cerr ? cerr->message : "unknown error");
		hs_free_compile_error(cerr);
		return NULL;
	}
	return db;
}

/* ---- the same databases compiled at build time ----
 * checks/prebuild/secretdb_gen.c serializes them into the capgate binary: loading one takes
 * microseconds where compiling took ~50 ms of CPU per scan of a stock image. They are used only
 * when made from this very rule table and accepted by the running Vectorscan (same version, same
 * CPU features as the build host); otherwise they are compiled as above. Programs linked without
 * them (unit tests, the generator itself) see the weak symbols as NULL. */
extern const unsigned char secretscan_prebuilt[] __attribute__((weak));
extern const size_t secretscan_prebuilt_len __attribute__((weak));

#define PREBUILT_MAGIC "capgate-secretdb"      /* 16 bytes, then fingerprint, count, entries */
#define PREBUILT_DETECT UINT32_MAX             /* entry id of the detection database */
#define PREBUILT_HEADER (16 + 8 + 4)

/* FNV-1a over everything a database is compiled from. */
static uint64_t rules_fingerprint(void)
{
	uint64_t h = UINT64_C(14695981039346656037);
	char extra[96];
	int n = snprintf(extra, sizeof extra, "%zu %u %u %u %u", secret_nrules, (unsigned)HS_MODE_STREAM,
			 (unsigned)HS_FLAG_SINGLEMATCH, (unsigned)HS_MODE_BLOCK, (unsigned)HS_FLAG_SOM_LEFTMOST);

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)extra[i]) * UINT64_C(1099511628211);
	for (size_t i = 0; i < secret_nrules; i++) {
		for (const char *c = secret_rules[i].pattern; ; c++) {
			h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
			if (!*c)
				break;
		}
		h = (h ^ (secret_rules[i].caseless ? 1u : 2u)) * UINT64_C(1099511628211);
	}
	return h;
}

/* The serialized database ID in the prebuilt blob (NULL when there is none usable). */
static const char *prebuilt_find(uint32_t id, size_t *len)
{
	const unsigned char *b = &secretscan_prebuilt_len ? secretscan_prebuilt : NULL;
	size_t n = b ? secretscan_prebuilt_len : 0, off = PREBUILT_HEADER;
	uint64_t fp;
	uint32_t count;

	if (n < PREBUILT_HEADER || memcmp(b, PREBUILT_MAGIC, 16) != 0)
		return NULL;
	memcpy(&fp, b + 16, sizeof fp);
	memcpy(&count, b + 24, sizeof count);
	if (fp != rules_fingerprint())
		return NULL;
	for (uint32_t i = 0; i < count && n - off >= 8; i++) {
		uint32_t eid, elen;
		memcpy(&eid, b + off, 4);
		memcpy(&elen, b + off + 4, 4);
		off += 8;
		if (elen > n - off)
			return NULL;
		if (eid == id) {
			*len = elen;
			return (const char *)b + off;
		}
		off += elen;
	}
	return NULL;
}

/* Database ID from the blob, or NULL (then the caller compiles it). */
static hs_database_t *prebuilt_load(uint32_t id)
{
	size_t len;
	const char *bytes = prebuilt_find(id, &len);
	hs_database_t *db = NULL;

	if (!bytes || hs_deserialize_database(bytes, len, &db) != HS_SUCCESS)
		return NULL;
	return db;
}

/* The build's databases are there but this library refuses them (another Vectorscan or Hyperscan
 * release, other CPU features): say so once, since every scan then compiles them (~50 ms of CPU). */
static void prebuilt_say_why(void)
{
	size_t len;
	const char *bytes = prebuilt_find(PREBUILT_DETECT, &len);
	char *info = NULL;

	if (!bytes)
		return; /* a program built without them (tests, the generator): nothing to say */
	if (hs_serialized_database_info(bytes, len, &info) != HS_SUCCESS)
		info = NULL;
	fprintf(stderr, "capgate: secrets: the prebuilt pattern databases (%s) do not load with this library "
		"(libhs %s); compiling them at start instead\n", info ? info : "unreadable",
		hs_version());
	free(info);
}

static void dbs_init(void)
{
	if (secret_nrules > MAX_RULES) {
		dbs.err = -E2BIG;
		return;
	}
	dbs.detect = prebuilt_load(PREBUILT_DETECT);
	dbs.prebuilt = dbs.detect != NULL;
	if (!dbs.detect)
		prebuilt_say_why();
	if (!dbs.detect)
		dbs.detect = compile(HS_MODE_STREAM, HS_FLAG_SINGLEMATCH, 0, secret_nrules);
	if (!dbs.detect)
		dbs.err = -EINVAL;
}

static int dbs_get(void)
{
	pthread_once(&dbs.once, dbs_init);
	return dbs.err;
}

/* The location database of RULE, built on first use; NULL when it does not compile. */
static hs_database_t *dbs_locate(size_t rule)
{
	hs_database_t *db;

	pthread_mutex_lock(&dbs.locate_mu);
	if (!dbs.locate[rule] && !secret_mask_has(&dbs.locate_failed, rule)) {
		dbs.locate[rule] = prebuilt_load((uint32_t)rule);
		if (!dbs.locate[rule])
			dbs.locate[rule] = compile(HS_MODE_BLOCK, HS_FLAG_SOM_LEFTMOST, rule, 1);
		if (!dbs.locate[rule])
			secret_mask_set(&dbs.locate_failed, rule);
	}
	db = dbs.locate[rule];
	pthread_mutex_unlock(&dbs.locate_mu);
	return db;
}

/* ---- jobs: walked regular files handed from the walker to the workers ---- */

struct dirref {
	int fd; /* a duplicate of the walker's directory descriptor */
	unsigned refs;
};

struct job {
	struct dirref *dir;
	char *name, *path;
	struct stat st;
	bool pkcs12;
};

struct engine {
	const struct secretscan_opts *o;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct job q[QUEUE_CAP];
	size_t head, n;
	bool done;
	/* walker side */
	struct dirref *cur;
	struct strbuf cur_dir;
	struct secretscan *out; /* walk errors and skip counts go straight here (walker thread) */
};

struct worker {
	struct engine *eng;
	pthread_t tid;
	hs_scratch_t *scratch;
	struct secret_mask locate_fit; /* rules whose location database SCRATCH fits */
	hs_stream_t *stream;
	char *buf;
	/* per-worker results, merged at the end */
	struct secretscan_finding *f;
	size_t nf, cap;
	size_t kept[SO_COUNT], omitted[SO_COUNT];
	struct secretscan_error *e;
	size_t ne;
	unsigned long long dedup_steps; /* work of the overlap pass (secretscan.dedup_steps) */
	unsigned long long files, bytes, hit_files, skipped_format;
	/* matches of the current block */
	struct match { unsigned id; unsigned long long from, to; } *m;
	size_t nm, mcap;
	int rc;
};

static void dirref_put(struct engine *eng, struct dirref *d)
{
	/* caller holds eng->mu */
	if (d && --d->refs == 0) {
		close(d->fd);
		free(d);
	}
}

static void job_release(struct engine *eng, struct job *j)
{
	pthread_mutex_lock(&eng->mu);
	dirref_put(eng, j->dir);
	pthread_mutex_unlock(&eng->mu);
	free(j->name);
	free(j->path);
}

bool secretscan_in_scope(const struct strv *prefixes, const char *path)
{
	if (!prefixes || prefixes->n == 0)
		return true;
	for (size_t i = 0; i < prefixes->n; i++) {
		const char *p = prefixes->v[i];
		size_t l = strlen(p);
		while (l > 1 && p[l - 1] == '/')
			l--;
		if (l == 1 && p[0] == '/')
			return true;
		if (strncmp(path, p, l) == 0 && (path[l] == '\0' || path[l] == '/'))
			return true;
	}
	return false;
}

static bool owner_wants(const struct secretscan_opts *o, enum secret_owner ow, const char *path)
{
	return secretscan_in_scope(o->scope[ow].paths, path) &&
	       !(o->scope[ow].exclude && strv_match_glob(o->scope[ow].exclude, path));
}

/* ---- worker side ---- */

static void add_error(struct worker *w, const char *path, int err)
{
	w->e = xreallocarray(w->e, w->ne + 1, sizeof *w->e);
	w->e[w->ne++] = (struct secretscan_error){.path = xstrdup(path), .err = err};
}

static void add_finding(struct worker *w, enum secret_owner ow, const char *path, unsigned line, unsigned col,
			unsigned span, const char *rule, const char *secret, size_t slen, const char *message)
{
	const struct secretscan_opts *o = w->eng->o;

	if (!owner_wants(o, ow, path))
		return;
	if (ow == SO_PRIVATE_KEYS && o->pk_skip)
		for (const char *const *g = o->pk_skip; *g; g++)
			if (fnmatch(*g, path, FNM_PATHNAME) == 0)
				return;
	if (w->kept[ow] >= o->max_findings) {
		w->omitted[ow]++;
		return;
	}
	w->kept[ow]++;
	if (w->nf == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->f = xreallocarray(w->f, w->cap, sizeof *w->f);
	}
	w->f[w->nf++] = (struct secretscan_finding){
		.owner = ow, .path = xstrdup(path), .line = line, .col = col, .span = span, .rule = rule,
		.evidence = secret ? redact_secret(secret, slen) : NULL, .message = xstrdup(message),
	};
}

static int on_detect(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ud)
{
	secret_mask_set(ud, id);
	return 0;
}

static int on_locate(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ud)
{
	struct worker *w = ud;
	if (w->nm >= MAX_MATCHES_PER_BLOCK)
		return 1; /* a pathological block: what was collected is judged */
	if (w->nm == w->mcap) {
		w->mcap = w->mcap ? 2 * w->mcap : 32;
		w->m = xreallocarray(w->m, w->mcap, sizeof *w->m);
	}
	w->m[w->nm++] = (struct match){id, from, to};
	return 0;
}

static int match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->to < y->to ? 1 : x->to > y->to ? -1 : 0; /* longest first */
}

/* Formats that are not scanned (see the top of the file). */
static bool skip_format(const unsigned char *b, size_t n)
{
	static const struct { const char *magic; size_t len; } m[] = {
		{"\x7f" "ELF", 4}, {"\x1f\x8b", 2}, {"\xfd" "7zXZ\0", 6}, {"\x28\xb5\x2f\xfd", 4},
		{"PK\x03\x04", 4}, {"\x89PNG", 4}, {"\xff\xd8\xff", 3}, {"GIF8", 4}, {"wOFF", 4}, {"wOF2", 4},
		{"BZh", 3},
	};
	for (size_t i = 0; i < ELEMENTSOF(m); i++)
		if (n >= m[i].len && memcmp(b, m[i].magic, m[i].len) == 0)
			return i != ELEMENTSOF(m) - 1 || (n >= 10 && memcmp(b + 4, "1AY&SY", 6) == 0);
	return false;
}

struct kept {
	unsigned rule;
	unsigned line;
	unsigned long long sfrom, sto; /* secret span in the file, for overlap dedup; 0,0: none */
	unsigned col, span;            /* the same within LINE, when it lies on it (redact-value) */
	struct secret_cand c;
};

static void judge_block(struct worker *w, struct job *j, int fd, const char *blk, size_t blen,
			unsigned long long babs, unsigned bline, unsigned long long bls, unsigned long long done,
			const struct secret_mask *mask, struct kept **kv, size_t *kn)
{
	unsigned line = bline;
	unsigned long long ls = bls; /* where LINE starts in the file */
	size_t pos = 0;

	w->nm = 0;
	for (size_t i = 0; i < secret_nrules && w->nm < MAX_MATCHES_PER_BLOCK; i++) {
		hs_database_t *db;
		if (!secret_mask_has(mask, i) || !secret_rules[i].judge)
			continue;
		db = dbs_locate(i);
		if (!db || (!secret_mask_has(&w->locate_fit, i) && hs_alloc_scratch(db, &w->scratch) != HS_SUCCESS)) {
			w->rc = -EIO;
			return;
		}
		secret_mask_set(&w->locate_fit, i);
		if (hs_scan(db, blk, (unsigned)blen, 0, w->scratch, on_locate, w) == HS_INVALID) {
			w->rc = -EIO;
			return;
		}
	}
	if (w->nm)
		qsort(w->m, w->nm, sizeof *w->m, match_cmp);
	for (size_t i = 0; i < w->nm; i++) {
		const struct match *m = &w->m[i];
		const struct secret_rule *r = &secret_rules[m->id];
		struct secret_cand c;

		if (!secret_mask_has(mask, m->id) || !r->judge)
			continue;
		/* same rule, same start: only the longest; a span inside the previous one: skip */
		if (i > 0 && w->m[i - 1].id == m->id && w->m[i - 1].from == m->from)
			continue;
		if (babs + m->to <= done)
			continue; /* seen in the previous block (overlap of a long line) */
		for (; pos < m->from; pos++)
			if (blk[pos] == '\n') {
				line++;
				ls = babs + pos + 1;
			}
		c = (struct secret_cand){.buf = blk, .len = blen, .from = (size_t)m->from, .to = (size_t)m->to,
					 .fd = fd, .abs_from = babs + m->from};
		/* tokens whose pattern fixes only a minimum length run on to their real end */
		if (r->extend)
			while (c.to < blen && (isalnum((unsigned char)blk[c.to]) || blk[c.to] == '_' || blk[c.to] == '-'))
				c.to++;
		if (!r->judge(r, &c)) {
			free(c.message);
			if (c.owned)
				explicit_bzero(c.owned, strlen(c.owned));
			free(c.owned);
			continue;
		}
		*kv = xreallocarray(*kv, *kn + 1, sizeof **kv);
		struct kept *k = &(*kv)[(*kn)++];
		*k = (struct kept){.rule = m->id, .line = line, .c = c};
		if (c.secret && !c.owned && c.secret >= blk && c.secret < blk + blen) {
			k->sfrom = babs + (unsigned long long)(c.secret - blk);
			k->sto = k->sfrom + c.secret_len;
			/* where on its line, for a fix that replaces exactly these bytes: only when the
			 * secret lies on the match's line, whole, inside this block */
			size_t lo = ls > babs ? (size_t)(ls - babs) : 0, end = (size_t)(c.secret - blk) + c.secret_len;
			if (k->sfrom >= ls && end <= blen && c.secret_len > 0 && c.secret_len <= UINT_MAX &&
			    k->sfrom - ls <= UINT_MAX && !memchr(blk + lo, '\n', end - lo)) {
				k->col = (unsigned)(k->sfrom - ls);
				k->span = (unsigned)c.secret_len;
			}
		}
		/* the secret points into BLK, which the next read overwrites: keep a copy */
		if (c.secret && !c.owned) {
			k->c.owned = xstrndup(c.secret, c.secret_len);
			k->c.secret = k->c.owned;
		}
	}
}

static bool kept_overlaps(const struct kept *a, const struct kept *b)
{
	return a->line == b->line && a->sto && b->sto && a->sfrom < b->sto && b->sfrom < a->sto;
}

/* qsort has no context argument: the array being ordered, set around the call (one worker
 * thread sorts at a time per call; _Thread_local keeps workers apart). */
static _Thread_local const struct kept *kept_sort_base;

static int kept_span_cmp(const void *a, const void *b)
{
	const struct kept *x = &kept_sort_base[*(const size_t *)a], *y = &kept_sort_base[*(const size_t *)b];

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->sfrom != y->sfrom)
		return x->sfrom < y->sfrom ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Second pass over a file that hit: exact lines and judgment, in newline-cut blocks. */
static void locate_file(struct worker *w, struct job *j, int fd, const struct secret_mask *mask)
{
	const struct secretscan_opts *o = w->eng->o;
	char *buf = w->buf;
	size_t have = 0;
	unsigned long long abs = 0, done = 0, lstart = 0;
	unsigned line = 1;
	struct kept *kv = NULL;
	size_t kn = 0;
	bool gcp_sa = false;

	for (;;) {
		ssize_t n = 0;
		bool eof;
		size_t bend;

		if (have < VERIFY_BLOCK && abs + have < o->max_file_size) {
			n = pread(fd, buf + have, VERIFY_BLOCK - have, (off_t)(abs + have));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				add_error(w, j->path, -errno);
				break;
			}
		}
		have += (size_t)n;
		eof = n == 0;
		if (have == 0)
			break;
		if (eof)
			bend = have;
		else {
			const char *nl = memrchr(buf, '\n', have);
			bend = nl ? (size_t)(nl - buf) + 1 : have;
		}
		judge_block(w, j, fd, buf, bend, abs, line, lstart, done, mask, &kv, &kn);
		if (eof && bend == have)
			break;
		if (!memchr(buf, '\n', bend) && bend > VERIFY_OVERLAP) {
			/* one line longer than the block: carry its tail so a token across the cut is found */
			done = abs + bend;
			memmove(buf, buf + bend - VERIFY_OVERLAP, have - bend + VERIFY_OVERLAP);
			have = have - bend + VERIFY_OVERLAP;
			abs += bend - VERIFY_OVERLAP;
		} else {
			for (size_t i = 0; i < bend; i++)
				if (buf[i] == '\n') {
					line++;
					lstart = abs + i + 1;
				}
			memmove(buf, buf + bend, have - bend);
			have -= bend;
			abs += bend;
			done = abs;
		}
		if (eof && have == 0)
			break;
	}

	for (size_t i = 0; i < kn; i++)
		gcp_sa |= streq(secret_rules[kv[i].rule].id, "gcp-service-account-key");
	/* one value, several rules (api_key=AIza...): the more specific (earlier) rule wins. Every
	 * overlapping pair is found by one sweep over the spans sorted by (line, start): a secret-dense
	 * file costs n log n, not the n² of comparing every finding with every other (60k lines of
	 * secrets took 1.75 s, 120k 8.3 s). */
	bool *lost = kn ? xcalloc(kn, sizeof *lost) : NULL;
	size_t *order = kn ? xreallocarray(NULL, kn, sizeof *order) : NULL;
	for (size_t i = 0; i < kn; i++)
		order[i] = i;
	if (kn > 1) {
		kept_sort_base = kv;
		qsort(order, kn, sizeof *order, kept_span_cmp);
		kept_sort_base = NULL;
	}
	for (size_t a = 0; a < kn; a++) {
		const struct kept *x = &kv[order[a]];
		w->dedup_steps++;
		if (!x->sto)
			continue;
		/* spans that start before x ends (same line) overlap x: sorted by start, they follow it */
		for (size_t b = a + 1; b < kn; b++) {
			const struct kept *y = &kv[order[b]];
			w->dedup_steps++;
			if (y->line != x->line || y->sfrom >= x->sto)
				break;
			if (!kept_overlaps(x, y))
				continue;
			size_t xi = order[a], yi = order[b];
			const bool x_first = xi < yi;
			/* of the pair, the later rule (or the later finding of the same rule) loses */
			if (kv[xi].rule < kv[yi].rule || (kv[xi].rule == kv[yi].rule && x_first))
				lost[yi] = true;
			else
				lost[xi] = true;
		}
	}
	for (size_t i = 0; i < kn; i++) {
		const struct kept *k = &kv[i];
		const struct secret_rule *r = &secret_rules[k->rule];
		bool dup = lost[i];
		/* the key inside a service-account file is reported with the file (cloud) */
		if (gcp_sa && r->owner == SO_PRIVATE_KEYS)
			dup = true;
		if (!dup)
			add_finding(w, r->owner, j->path, k->line, k->col, k->span, k->c.rule ? k->c.rule : r->id,
				    k->c.secret, k->c.secret_len, k->c.message ? k->c.message : r->message);
	}
	free(lost);
	free(order);
	for (size_t i = 0; i < kn; i++) {
		free(kv[i].c.message);
		if (kv[i].c.owned)
			explicit_bzero(kv[i].c.owned, strlen(kv[i].c.owned));
		free(kv[i].c.owned);
	}
	free(kv);
}

static void scan_job(struct worker *w, struct job *j)
{
	const struct secretscan_opts *o = w->eng->o;
	struct safefs_entry e = {.dirfd = j->dir->fd, .name = j->name, .path = j->path, .st = &j->st};
	_cleanup_close_ int fd = safefs_open_entry(&e);
	unsigned long long total = 0;
	struct secret_mask hits = {{0}};
	bool first = true;

	if (fd < 0) {
		if (fd != -ENOENT) /* gone since the walk: nothing to judge */
			add_error(w, j->path, fd);
		return;
	}
	if (j->pkcs12) {
		char *msg = NULL;
		const char *rule = NULL;
		secretkeys_judge_pkcs12(fd, &msg, &rule);
		add_finding(w, SO_PRIVATE_KEYS, j->path, 0, 0, 0, rule, NULL, 0, msg);
		free(msg);
	}
	w->files++;
	for (;;) {
		size_t want = first ? SNIFF : CHUNK; /* a skipped format costs one small read */
		ssize_t n;
		if (total >= o->max_file_size)
			break;
		if (o->max_file_size - total < want)
			want = (size_t)(o->max_file_size - total);
		n = read(fd, w->buf, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			add_error(w, j->path, -errno);
			hs_reset_stream(w->stream, 0, NULL, NULL, NULL);
			return;
		}
		if (n == 0)
			break;
		if (first && skip_format((const unsigned char *)w->buf, (size_t)n)) {
			w->skipped_format++;
			return;
		}
		first = false;
		total += (size_t)n;
		if (hs_scan_stream(w->stream, w->buf, (unsigned)n, 0, w->scratch, on_detect, &hits) != HS_SUCCESS) {
			w->rc = -EIO;
			break;
		}
	}
	/* end of data: patterns anchored at the end report here; the stream is ready for the next file */
	hs_reset_stream(w->stream, 0, w->scratch, on_detect, &hits);
	w->bytes += total;
	/* drop rules whose companion did not hit, and helpers */
	struct secret_mask raw = hits;
	for (size_t i = 0; i < secret_nrules; i++) {
		const struct secret_rule *r = &secret_rules[i];
		if (r->owner == SO_HELPER || (r->requires >= 0 && !secret_mask_has(&raw, (size_t)r->requires)))
			secret_mask_clear(&hits, i);
	}
	if (secret_mask_any(&hits) && secret_path_is_vendored(j->path))
		for (size_t i = 0; i < secret_nrules; i++)
			if (secret_rules[i].context)
				secret_mask_clear(&hits, i);
	if (!secret_mask_any(&hits))
		return;
	w->hit_files++;
	locate_file(w, j, fd, &hits);
}

static void *worker_main(void *ud)
{
	struct worker *w = ud;
	struct engine *eng = w->eng;

	for (;;) {
		struct job j;
		pthread_mutex_lock(&eng->mu);
		while (eng->n == 0 && !eng->done)
			pthread_cond_wait(&eng->not_empty, &eng->mu);
		if (eng->n == 0) {
			pthread_mutex_unlock(&eng->mu);
			break;
		}
		j = eng->q[eng->head];
		eng->head = (eng->head + 1) % QUEUE_CAP;
		eng->n--;
		pthread_cond_signal(&eng->not_full);
		pthread_mutex_unlock(&eng->mu);
		scan_job(w, &j);
		job_release(eng, &j);
	}
	return NULL;
}

/* ---- walker side ---- */

static void walk_error(const char *path, int err, void *ud)
{
	struct engine *eng = ud;
	struct secretscan *out = eng->out;
	out->e = xreallocarray(out->e, out->ne + 1, sizeof *out->e);
	out->e[out->ne++] = (struct secretscan_error){.path = xstrdup(path), .err = err};
}

/* The walker's error callback: the tap hears it too. */
static void walk_unreadable(const char *path, int err, void *ud)
{
	struct engine *eng = ud;
	if (eng->o->tap && eng->o->tap->error)
		eng->o->tap->error(path, err, eng->o->tap_ud);
	walk_error(path, err, ud);
}

static bool wanted_by_any(const struct secretscan_opts *o, const char *path)
{
	static const enum secret_owner content[] = {SO_PRIVATE_KEYS, SO_CLOUD, SO_TOKENS};
	for (size_t i = 0; i < ELEMENTSOF(content); i++)
		if (owner_wants(o, content[i], path))
			return true;
	return false;
}

static int walk_visit(const struct safefs_entry *e, void *ud)
{
	struct engine *eng = ud;
	const struct secretscan_opts *o = eng->o;
	size_t dlen = strlen(e->path) - strlen(e->name); /* name points into the dirent, not the path */
	struct job j;

	if (o->tap)
		o->tap->visit(e, o->tap_ud);
	if (!S_ISREG(e->st->st_mode) || e->st->st_size == 0)
		return SAFEFS_WALK_CONTINUE; /* FIFOs, devices, sockets and links are never opened */
	if (!wanted_by_any(o, e->path))
		return SAFEFS_WALK_CONTINUE;
	if ((unsigned long long)e->st->st_size > o->max_file_size) {
		eng->out->skipped_large++;
		if ((unsigned long long)e->st->st_size > eng->out->largest_skipped) {
			eng->out->largest_skipped = (unsigned long long)e->st->st_size;
			free(eng->out->largest_skipped_path);
			eng->out->largest_skipped_path = xstrdup(e->path);
		}
		return SAFEFS_WALK_CONTINUE;
	}
	/* one duplicate of the directory descriptor per run of files from the same directory */
	if (!eng->cur || eng->cur_dir.len != dlen || memcmp(eng->cur_dir.buf, e->path, dlen) != 0) {
		int fd = fcntl(e->dirfd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			walk_error(e->path, -errno, eng);
			return SAFEFS_WALK_CONTINUE;
		}
		pthread_mutex_lock(&eng->mu);
		dirref_put(eng, eng->cur);
		pthread_mutex_unlock(&eng->mu);
		eng->cur = xmalloc(sizeof *eng->cur);
		*eng->cur = (struct dirref){.fd = fd, .refs = 1};
		strbuf_truncate(&eng->cur_dir, 0);
		strbuf_append(&eng->cur_dir, e->path, dlen);
	}
	j = (struct job){.name = xstrdup(e->name), .path = xstrdup(e->path), .st = *e->st,
			 .pkcs12 = endswith(e->name, ".p12") || endswith(e->name, ".pfx") ||
				   endswith(e->name, ".P12") || endswith(e->name, ".PFX")};
	pthread_mutex_lock(&eng->mu);
	while (eng->n == QUEUE_CAP)
		pthread_cond_wait(&eng->not_full, &eng->mu);
	j.dir = eng->cur;
	eng->cur->refs++;
	eng->q[(eng->head + eng->n) % QUEUE_CAP] = j;
	eng->n++;
	if (eng->n >= WAKE_BATCH)
		pthread_cond_signal(&eng->not_empty);
	pthread_mutex_unlock(&eng->mu);
	return SAFEFS_WALK_CONTINUE;
}

static int finding_cmp(const void *a, const void *b)
{
	const struct secretscan_finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static int error_cmp(const void *a, const void *b)
{
	return strcmp(((const struct secretscan_error *)a)->path, ((const struct secretscan_error *)b)->path);
}

static void worker_done(struct worker *w)
{
	if (w->buf) {
		explicit_bzero(w->buf, VERIFY_BLOCK);
		free(w->buf);
	}
	if (w->stream)
		hs_close_stream(w->stream, NULL, NULL, NULL);
	hs_free_scratch(w->scratch);
	free(w->m);
}

int secretscan_run(const struct safefs *fs, const struct secretscan_opts *o, struct secretscan *out)
{
	struct engine eng = {.o = o, .out = out};
	struct worker *ws;
	unsigned nw = o->workers ? o->workers : 1, started = 0;
	unsigned long long t0 = util_now_ms();
	int r;

	*out = (struct secretscan){0};
	r = dbs_get();
	if (r < 0)
		return r;
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	ws = xcalloc(nw, sizeof *ws);
	pthread_mutex_init(&eng.mu, NULL);
	pthread_cond_init(&eng.not_empty, NULL);
	pthread_cond_init(&eng.not_full, NULL);
	for (unsigned i = 0; i < nw; i++) {
		struct worker *w = &ws[i];
		w->eng = &eng;
		if (hs_alloc_scratch(dbs.detect, &w->scratch) != HS_SUCCESS ||
		    hs_open_stream(dbs.detect, 0, &w->stream) != HS_SUCCESS) {
			r = -ENOMEM;
			break;
		}
		/* the location pass needs VERIFY_BLOCK; detection reads CHUNK into the same buffer */
		w->buf = xmalloc(VERIFY_BLOCK);
		if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			r = -EAGAIN;
			break;
		}
		started++;
	}

	if (r == 0) {
		struct safefs_walk_ops ops = {.visit = walk_visit, .error = walk_unreadable, .exclude = o->exclude,
					      .one_file_system = o->one_file_system};
		for (size_t i = 0; i < o->starts.n; i++) {
			int wr = safefs_walk(fs, o->starts.v[i], &ops, &eng);
			if (wr == -ENOENT || wr == -ENOTDIR)
				continue; /* a configured scope the image does not have */
			if (wr < 0) {
				walk_error(o->starts.v[i], wr, &eng);
				out->rc = wr;
			}
		}
	}
	pthread_mutex_lock(&eng.mu);
	eng.done = true;
	dirref_put(&eng, eng.cur);
	pthread_cond_broadcast(&eng.not_empty);
	pthread_mutex_unlock(&eng.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);

	/* merge, keeping the per-owner cap exact */
	for (unsigned i = 0; i < nw; i++) {
		struct worker *w = &ws[i];
		size_t kept[SO_COUNT] = {0};
		for (size_t k = 0; k < out->nf; k++)
			kept[out->f[k].owner]++;
		out->f = xreallocarray(out->f, out->nf + w->nf + 1, sizeof *out->f);
		for (size_t k = 0; k < w->nf; k++) {
			if (kept[w->f[k].owner] >= o->max_findings) {
				out->omitted[w->f[k].owner]++;
				free(w->f[k].path);
				free(w->f[k].evidence);
				free(w->f[k].message);
				continue;
			}
			kept[w->f[k].owner]++;
			out->f[out->nf++] = w->f[k];
		}
		for (int ow = 0; ow < SO_COUNT; ow++)
			out->omitted[ow] += w->omitted[ow];
		out->e = xreallocarray(out->e, out->ne + w->ne + 1, sizeof *out->e);
		if (w->ne)
			memcpy(out->e + out->ne, w->e, w->ne * sizeof *w->e);
		out->ne += w->ne;
		out->files += w->files;
		out->dedup_steps += w->dedup_steps;
		out->bytes += w->bytes;
		out->hit_files += w->hit_files;
		out->skipped_format += w->skipped_format;
		if (w->rc < 0 && r == 0)
			r = w->rc;
		free(w->f);
		free(w->e);
		worker_done(w);
	}
	free(ws);
	strbuf_free(&eng.cur_dir);
	pthread_mutex_destroy(&eng.mu);
	pthread_cond_destroy(&eng.not_empty);
	pthread_cond_destroy(&eng.not_full);
	if (out->nf)
		qsort(out->f, out->nf, sizeof *out->f, finding_cmp);
	if (out->ne)
		qsort(out->e, out->ne, sizeof *out->e, error_cmp);
	out->duration_ms = util_now_ms() - t0;
	return r;
}

void secretscan_free(struct secretscan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nf; i++) {
		free(s->f[i].path);
		free(s->f[i].evidence);
		free(s->f[i].message);
	}
	for (size_t i = 0; i < s->ne; i++)
		free(s->e[i].path);
	free(s->f);
	free(s->e);
	free(s->largest_skipped_path);
	*s = (struct secretscan){0};
}

int secretscan_detect_buffer(const char *buf, size_t len, size_t split, struct secret_mask *hits)
{
	hs_scratch_t *scratch = NULL;
	hs_stream_t *st = NULL;
	int r = dbs_get();

	*hits = (struct secret_mask){{0}};
	if (r < 0)
		return r;
	if (split > len)
		split = len;
	if (hs_alloc_scratch(dbs.detect, &scratch) != HS_SUCCESS || hs_open_stream(dbs.detect, 0, &st) != HS_SUCCESS) {
		hs_free_scratch(scratch);
		return -ENOMEM;
	}
	if (hs_scan_stream(st, buf, (unsigned)split, 0, scratch, on_detect, hits) != HS_SUCCESS ||
	    hs_scan_stream(st, buf + split, (unsigned)(len - split), 0, scratch, on_detect, hits) != HS_SUCCESS)
		r = -EIO;
	hs_close_stream(st, scratch, on_detect, hits);
	hs_free_scratch(scratch);
	return r;
}

void secretscan_print_patterns(FILE *out)
{
	for (size_t i = 0; i < secret_nrules; i++)
		if (secret_rules[i].owner != SO_HELPER)
			fprintf(out, "%s%s\n", secret_rules[i].caseless ? "(?i)" : "", secret_rules[i].pattern);
}

/* Append ID, then the serialized DB, to BLOB. */
static int blob_add(struct strbuf *blob, uint32_t id, hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	uint32_t len32;

	if (!db)
		return -EINVAL;
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS || len > UINT32_MAX) {
		free(bytes);
		hs_free_database(db);
		return -ENOMEM;
	}
	len32 = (uint32_t)len;
	strbuf_append(blob, (const char *)&id, 4);
	strbuf_append(blob, (const char *)&len32, 4);
	strbuf_append(blob, bytes, len);
	free(bytes); /* hs_serialize_database allocates with the default (malloc) allocator */
	hs_free_database(db);
	return 0;
}

int secretscan_serialize(char **out, size_t *len)
{
	struct strbuf blob = {0};
	uint64_t fp = rules_fingerprint();
	uint32_t count = 0;
	int r;

	if (secret_nrules > MAX_RULES)
		return -E2BIG;
	strbuf_append(&blob, PREBUILT_MAGIC, 16);
	strbuf_append(&blob, (const char *)&fp, sizeof fp);
	strbuf_append(&blob, (const char *)&count, sizeof count);
	r = blob_add(&blob, PREBUILT_DETECT, compile(HS_MODE_STREAM, HS_FLAG_SINGLEMATCH, 0, secret_nrules));
	count++;
	for (size_t i = 0; i < secret_nrules && r == 0; i++)
		if (secret_rules[i].judge) {
			r = blob_add(&blob, (uint32_t)i, compile(HS_MODE_BLOCK, HS_FLAG_SOM_LEFTMOST, i, 1));
			count++;
		}
	if (r < 0) {
		strbuf_free(&blob);
		return r;
	}
	memcpy(blob.buf + 24, &count, sizeof count);
	*len = blob.len;
	*out = blob.buf;
	return 0;
}

bool secretscan_prebuilt_used(void)
{
	return dbs_get() == 0 && dbs.prebuilt;
}
