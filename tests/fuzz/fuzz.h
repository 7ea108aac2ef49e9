/* SPDX-License-Identifier: Apache-2.0 */
/* What every fuzz target shares: the libFuzzer entry point and an invariant check that aborts. */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken invariant is a crash to libFuzzer: the input is saved and becomes a regression test. */
#define FUZZ_ASSERT(cond)                                                                       \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                \
		}                                                                               \
	} while (0)

/* The input as a NUL-terminated string (embedded NULs end it early, as a C parser would see). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "safefs.h"

/* A scratch image root for parsers that follow includes through the safe fs; removed at exit. */
static char fuzz_root_dir[] = "/tmp/capgate-fuzz-root.XXXXXX";
static struct safefs fuzz_fs = {.root_fd = -1};

static inline int fuzz_rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static inline void fuzz_root_cleanup(void)
{
	safefs_done(&fuzz_fs);
	nftw(fuzz_root_dir, fuzz_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write DATA to REL (inside the scratch root), creating parent directories. */
static inline void fuzz_root_write(const char *rel, const void *data, size_t size)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", fuzz_root_dir, rel);
	for (char *s = strchr(p + strlen(fuzz_root_dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

static inline const struct safefs *fuzz_root(void)
{
	if (fuzz_fs.root_fd < 0) {
		if (!mkdtemp(fuzz_root_dir) || safefs_init(&fuzz_fs, fuzz_root_dir) < 0)
			abort();
		atexit(fuzz_root_cleanup);
	}
	return &fuzz_fs;
}
