/* SPDX-License-Identifier: Apache-2.0 */
/* perm.*'s image-wide checks (world-writable, unowned-files, suid-sgid-inventory) judge a few
 * entries of one walk of the whole image; another walker of the whole image can feed them, so the
 * image is enumerated once per scan. */
#pragma once
#include "ctx.h"

struct perm_tap;

/* A recorder for a walk from "/" with the scan's walk defaults (scan.exclude, one_file_system):
 * fills OPS (visit and error; pass the returned tap as their userdata). NULL when this scan has
 * its walk already. */
struct perm_tap *perm_tap_begin(struct cg_ctx *ctx, struct safefs_walk_ops *ops);
/* Keep TAP for this scan's perm checks when the walk WALKED the whole tree (RC: the walk's return,
 * <0 when it stopped early); otherwise drop it and they walk themselves. */
void perm_tap_end(struct cg_ctx *ctx, struct perm_tap *tap, bool walked, int rc);
