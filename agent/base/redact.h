/* SPDX-License-Identifier: Apache-2.0 */
/* Redaction: a secret is shown as at most 4 characters and a SHA-256 fingerprint, nowhere more. */
#pragma once
#include <stddef.h>

/* "AKIA****************(sha256:1f2e3d4c5b6a)"; the result is malloc'd. Secrets
 * shorter than 8 keep none of their characters; longer ones at most an eighth of them, 4 at most. */
char *redact_secret(const char *secret, size_t len);
/* The first 12 hex digits of SHA-256(DATA), NUL-terminated, into OUT[13]. */
void redact_fingerprint(const void *data, size_t len, char out[13]);
