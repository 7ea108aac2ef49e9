/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init configuration through libyaml, merged as cloudinit/util.py read_conf_with_confd()
 * and mergemanydict() do (see cloudcfg.h). Aliases are not expanded (a bounded tree: no "billion
 * laughs"); depth and node count are capped for hostile input. */
#include "cloudcfg.h"

#include <yaml.h>

#include "util.h"

#define CLOUDCFG_MAX_DEPTH 64
#define CLOUDCFG_MAX_NODES 200000

struct builder {
	yaml_parser_t p;
	const char *path;
	size_t nodes;
	char *err;
	unsigned err_line;
};

static struct cloudcfg_node *node_new(struct builder *b, enum cloudcfg_type t, const yaml_event_t *ev)
{
	struct cloudcfg_node *n = xcalloc(1, sizeof *n);
	n->type = t;
	n->path = b->path;
	n->line = (unsigned)ev->start_mark.line + 1;
	b->nodes++;
	return n;
}

static void node_push(struct cloudcfg_node *n, char *key, struct cloudcfg_node *item)
{
	n->items = xreallocarray(n->items, n->n + 1, sizeof(void *)); /* an array of node pointers */
	if (n->type == CLOUDCFG_MAP)
		n->keys = xreallocarray(n->keys, n->n + 1, sizeof *n->keys);
	if (n->type == CLOUDCFG_MAP)
		n->keys[n->n] = key;
	n->items[n->n++] = item;
}

/* The node whose first event is EV (already taken from the parser); NULL on error. */
static struct cloudcfg_node *build(struct builder *b, yaml_event_t *ev, unsigned depth)
{
	struct cloudcfg_node *n;

	if (depth > CLOUDCFG_MAX_DEPTH || b->nodes > CLOUDCFG_MAX_NODES) {
		b->err = xstrdup(depth > CLOUDCFG_MAX_DEPTH ? "nesting too deep" : "too many nodes");
		b->err_line = (unsigned)ev->start_mark.line + 1;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *v = (const char *)ev->data.scalar.value;
		bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		/* plain ~, null and the empty value are YAML's null */
		if (plain && (!*v || streq(v, "~") || streq(v, "null") || streq(v, "Null") || streq(v, "NULL")))
			return node_new(b, CLOUDCFG_NULL, ev);
		n = node_new(b, CLOUDCFG_SCALAR, ev);
		n->scalar = xstrndup(v, ev->data.scalar.length);
		return n;
	}
	case YAML_ALIAS_EVENT:
		return node_new(b, CLOUDCFG_NULL, ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		n = node_new(b, map ? CLOUDCFG_MAP : CLOUDCFG_SEQ, ev);
		for (;;) {
			yaml_event_t e;
			char *key = NULL;
			if (!yaml_parser_parse(&b->p, &e))
				goto fail;
			if (e.type == end) {
				yaml_event_delete(&e);
				return n;
			}
			if (map) {
				/* keys: scalars as text; a complex key is kept as an unnamed entry */
				if (e.type == YAML_SCALAR_EVENT)
					key = xstrndup((const char *)e.data.scalar.value, e.data.scalar.length);
				else {
					struct cloudcfg_node *k = build(b, &e, depth + 1);
					if (!k) {
						yaml_event_delete(&e);
						goto fail;
					}
					cloudcfg_node_free(k);
					key = xstrdup("");
				}
				yaml_event_delete(&e);
				if (!yaml_parser_parse(&b->p, &e)) {
					free(key);
					goto fail;
				}
			}
			struct cloudcfg_node *item = build(b, &e, depth + 1);
			yaml_event_delete(&e);
			if (!item) {
				free(key);
				goto fail;
			}
			node_push(n, key, item);
		}
	fail:
		cloudcfg_node_free(n);
		return NULL;
	}
	default:
		b->err = xstrdup("unexpected YAML event");
		b->err_line = (unsigned)ev->start_mark.line + 1;
		return NULL;
	}
}

struct cloudcfg_node *cloudcfg_parse(const char *text, size_t len, const char *path, char **err, unsigned *err_line)
{
	struct builder b = {.path = path};
	struct cloudcfg_node *root = NULL;
	yaml_event_t ev;
	bool done = false;

	*err = NULL;
	*err_line = 0;
	if (!yaml_parser_initialize(&b.p))
		return NULL;
	yaml_parser_set_input_string(&b.p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&b.p, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		default:
			root = build(&b, &ev, 0);
			if (!root)
				done = true;
			break;
		}
		yaml_event_delete(&ev);
		if (!root && b.err)
			break;
	}
	if (!root && !b.err && b.p.error != YAML_NO_ERROR) {
		b.err = xstrdup(b.p.problem ? b.p.problem : "YAML syntax error");
		b.err_line = (unsigned)b.p.problem_mark.line + 1;
	} else if (root && b.p.error != YAML_NO_ERROR) {
		b.err = xstrdup(b.p.problem ? b.p.problem : "YAML syntax error");
		b.err_line = (unsigned)b.p.problem_mark.line + 1;
		cloudcfg_node_free(root);
		root = NULL;
	}
	yaml_parser_delete(&b.p);
	if (b.err) {
		*err = b.err;
		*err_line = b.err_line;
		return NULL;
	}
	if (!root) {
		yaml_event_t fake = {0};
		root = node_new(&b, CLOUDCFG_MAP, &fake);
	}
	return root;
}

/* dict(): keys DST lacks come from SRC; keys both have keep DST's value, maps merging down. */
static void merge_into(struct cloudcfg_node *dst, struct cloudcfg_node *src)
{
	for (size_t i = 0; i < src->n; i++) {
		size_t j;
		for (j = 0; j < dst->n; j++)
			if (streq(dst->keys[j], src->keys[i]))
				break;
		if (j == dst->n) {
			node_push(dst, src->keys[i], src->items[i]);
			src->keys[i] = NULL;
			src->items[i] = NULL;
		} else if (dst->items[j]->type == CLOUDCFG_MAP && src->items[i]->type == CLOUDCFG_MAP)
			merge_into(dst->items[j], src->items[i]);
	}
}

static void retag(struct cloudcfg_node *n, const char *path)
{
	n->path = path;
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i])
			retag(n->items[i], path);
}

void cloudcfg_merge(struct cloudcfg *cfg, const char *path, struct cloudcfg_node *src)
{
	char *p = xstrdup(path);

	cfg->paths = xreallocarray(cfg->paths, cfg->npaths + 1, sizeof *cfg->paths);
	cfg->paths[cfg->npaths++] = p;
	if (!src)
		return;
	retag(src, p);
	if (src->type != CLOUDCFG_MAP) {
		cloudcfg_node_free(src); /* cloud-init ignores a file that is not a mapping */
		return;
	}
	for (size_t i = 0; i < src->n; i++)
		if (streq(src->keys[i], "merge_how") || streq(src->keys[i], "merge_type"))
			cfg->custom_merge = true;
	if (!cfg->root) {
		cfg->root = src;
		return;
	}
	merge_into(cfg->root, src);
	cloudcfg_node_free(src);
}

const struct cloudcfg_node *cloudcfg_get(const struct cloudcfg *cfg, const char *dotted)
{
	const struct cloudcfg_node *n = cfg->root;

	for (const char *p = dotted; n && *p;) {
		size_t k = strcspn(p, ".");
		const struct cloudcfg_node *next = NULL;
		if (n->type != CLOUDCFG_MAP)
			return NULL;
		for (size_t i = 0; i < n->n && !next; i++)
			if (strlen(n->keys[i]) == k && strncmp(n->keys[i], p, k) == 0)
				next = n->items[i];
		n = next;
		p += k + (p[k] ? 1 : 0);
	}
	return n;
}

bool cloudcfg_contains(const struct cloudcfg_node *n, const char *s)
{
	if (!n)
		return false;
	if (n->type == CLOUDCFG_SCALAR)
		return streq(n->scalar, s);
	if (n->type == CLOUDCFG_SEQ)
		for (size_t i = 0; i < n->n; i++)
			if (n->items[i]->type == CLOUDCFG_SCALAR && streq(n->items[i]->scalar, s))
				return true;
	return false;
}

void cloudcfg_node_free(struct cloudcfg_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		cloudcfg_node_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->scalar);
	free(n);
}

void cloudcfg_free(struct cloudcfg *cfg)
{
	cloudcfg_node_free(cfg->root);
	for (size_t i = 0; i < cfg->npaths; i++)
		free(cfg->paths[i]);
	free(cfg->paths);
	*cfg = (struct cloudcfg){0};
}
