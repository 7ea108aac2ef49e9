/* SPDX-License-Identifier: Apache-2.0 */
/* sudoers text, line by line: which logical lines name a user, and the text without them. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Call FN(line, ud) for each logical line (continuations joined) whose user list or Defaults:
 * binding names USER exactly (not as a substring). LINE is the 1-based first physical line. */
void sudoedit_find(const char *text, const char *user, void (*fn)(unsigned line, void *ud), void *ud);
/* Every user name a user specification grants something to (for 90-cloud-init-users). */
void sudoedit_users(const char *text, struct strv *out);
/* TEXT without USER: a line that names only USER is dropped (with its continuations); a user
 * list that names others too loses just USER. Every other byte is kept. Returns the number of
 * lines changed. */
size_t sudoedit_remove_user(const char *text, size_t len, const char *user, struct strbuf *out);
