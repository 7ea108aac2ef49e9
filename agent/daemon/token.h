/* SPDX-License-Identifier: Apache-2.0 */
/* The API's bearer token: 32 random bytes as hex, kept mode 0600 in the runtime directory. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TOKEN_BYTES 32
#define TOKEN_HEX (2 * TOKEN_BYTES)
#define TOKEN_DEFAULT_RUNTIME_DIR "/run/capgate"

/* The runtime directory: FLAG if given, else $CAPGATE_RUNTIME_DIR, else CONFIGURED (config
 * daemon.runtime_dir), else $RUNTIME_DIRECTORY (set by systemd's RuntimeDirectory=), else the default. */
const char *token_runtime_dir(const char *flag, const char *configured);
/* The one trust rule for the runtime directory, used by the daemon before it writes and by
 * `capgate wait` before it reads: DIR is a real directory (not a symlink), mode 0700 (no group or
 * other bits), owned by us or by root. *OWNER receives its owner (the files in it must be his).
 * -EPERM when it breaks the rule. */
int token_check_dir(const char *dir, uid_t *owner);
/* Make DIR (mode 0700 if created) and check it with token_check_dir. */
int token_prepare_dir(const char *dir);
/* Read DIR/NAME into BUF (NUL-terminated, at most SIZE-1 bytes; -EFBIG beyond) after checking it
 * is a regular file (no symlink) owned by OWNER with no group or other bits. Returns its length,
 * or -errno (-EPERM: wrong owner or mode). */
ssize_t token_read_checked(const char *dir, const char *name, uid_t owner, char *buf, size_t size);
/* The daemon's pid file: "PID STARTTIME\n" (start time in clock ticks since boot, from
 * /proc/PID/stat), so a recycled pid is not mistaken for the daemon. */
int token_write_pid(const char *dir, pid_t pid);
/* Whether the daemon recorded in DIR/pid lives: 0 yes (its pid in *PID), -ESRCH when it is gone
 * (stale files), -ENOENT when there is no pid file, other -errno when it cannot be read. The
 * process must belong to OWNER. */
int token_check_pid(const char *dir, uid_t owner, pid_t *pid);
/* Everything `capgate wait` must believe before it sends the token: the directory rule, a living
 * daemon by the pid file, then the url and token files (each owned by the directory's owner,
 * 0600). URL gets the address (newline removed), TOKEN the token. -errno with *WHY set. */
int token_trust_runtime(const char *dir, char *url, size_t url_size, char token[TOKEN_HEX + 1], char **why);
/* Remove the daemon's files from DIR (token, url, pid). */
void token_remove_files(const char *dir);
/* Write DIR/NAME atomically with mode 0600 (temp file, fsync, rename). */
int token_write_file(const char *dir, const char *name, const char *text);
/* Read DIR/token; -ENOENT when absent, -EBADMSG when it is not a token. */
int token_read(const char *dir, char out[TOKEN_HEX + 1]);
/* Constant-time check of an Authorization header value against "Bearer TOKEN". */
bool token_check_header(const char *token, const char *authorization);
/* Wipe a token held in memory. */
void token_wipe(char *token, size_t len);
