/* The API's bearer token: 32 random bytes as hex, kept mode 0600 in the runtime directory. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_HEX (2 * TOKEN_BYTES)
#define TOKEN_DEFAULT_RUNTIME_DIR "/run/capgate"

/* The runtime directory: FLAG if given, else $CAPGATE_RUNTIME_DIR, else CONFIGURED (config
 * daemon.runtime_dir), else $RUNTIME_DIRECTORY (set by systemd's RuntimeDirectory=), else the default. */
const char *token_runtime_dir(const char *flag, const char *configured);
/* Make DIR (mode 0700 if created; an existing one must not be group- or world-writable). */
int token_prepare_dir(const char *dir);
/* Write DIR/NAME atomically with mode 0600 (temp file, fsync, rename). */
int token_write_file(const char *dir, const char *name, const char *text);
/* Read DIR/token; -ENOENT when absent, -EBADMSG when it is not a token. */
int token_read(const char *dir, char out[TOKEN_HEX + 1]);
/* Constant-time check of an Authorization header value against "Bearer TOKEN". */
bool token_check_header(const char *token, const char *authorization);
/* Wipe a token held in memory. */
void token_wipe(char *token, size_t len);
