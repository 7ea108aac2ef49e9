/* SPDX-License-Identifier: Apache-2.0 */
/* cloud-init's configuration: YAML documents (libyaml) merged the way cloud-init merges
 * /etc/cloud/cloud.cfg and /etc/cloud/cloud.cfg.d/\*.cfg. Plain data out; knows no check. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum cloudcfg_type { CLOUDCFG_NULL, CLOUDCFG_SCALAR, CLOUDCFG_SEQ, CLOUDCFG_MAP };

struct cloudcfg_node {
	enum cloudcfg_type type;
	char *scalar;                /* CLOUDCFG_SCALAR */
	char **keys;                 /* CLOUDCFG_MAP: keys[i] -> items[i] */
	struct cloudcfg_node **items; /* CLOUDCFG_SEQ and CLOUDCFG_MAP */
	size_t n;
	const char *path;            /* file the value came from (owned by the merged config) */
	unsigned line;
};

struct cloudcfg {
	struct cloudcfg_node *root; /* a map, or NULL when nothing was read */
	char **paths;               /* every file merged, in merge order */
	size_t npaths;
	bool custom_merge;          /* a file sets merge_how/merge_type: cloud-init would merge differently */
};

/* Parse one YAML document (the first; cloud-init reads one) of PATH. NULL with *ERR (malloc'd)
 * and *ERR_LINE set on a syntax error; an empty document gives an empty map. */
struct cloudcfg_node *cloudcfg_parse(const char *text, size_t len, const char *path, char **err, unsigned *err_line);
/* Merge SRC under CFG as cloud-init's default mergers (dict()+list()+str()) do when SRC is read
 * after CFG in mergemanydict(): keys CFG already has keep CFG's value, maps merge recursively.
 * Feed the files in cloud-init's order: cloud.cfg.d in reverse lexical order, then cloud.cfg.
 * Takes ownership of SRC. */
void cloudcfg_merge(struct cloudcfg *cfg, const char *path, struct cloudcfg_node *src);
/* The value at a dotted PATH of map keys ("datasource.Azure.apply_network_config"), or NULL. */
const struct cloudcfg_node *cloudcfg_get(const struct cloudcfg *cfg, const char *dotted);
/* Whether a sequence (or a scalar) holds the scalar S. */
bool cloudcfg_contains(const struct cloudcfg_node *n, const char *s);
void cloudcfg_node_free(struct cloudcfg_node *n);
void cloudcfg_free(struct cloudcfg *cfg);
