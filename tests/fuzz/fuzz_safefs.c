/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: path resolution inside the image root. Every path an image can make us resolve
 * (symlinks absolute, relative, looping, pointing up and out) must land inside the root, and the
 * component-by-component fallback must agree with openat2(RESOLVE_IN_ROOT). */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "safefs.h"

#define PATH_CAP 4096

static char base[] = "/tmp/capgate-fuzz-safefs.XXXXXX";
static char *root;
static struct safefs fs_kernel, fs_walk;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void cleanup(void)
{
	safefs_done(&fs_kernel);
	safefs_done(&fs_walk);
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void mk(const char *kind, const char *rel, const char *target)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", base, rel);
	int r = 0;

	if (streq(kind, "dir"))
		r = mkdir(p, 0755);
	else if (streq(kind, "link"))
		r = symlink(target, p);
	else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		r = fd < 0 ? -1 : 0;
		if (fd >= 0) {
			if (write(fd, target, strlen(target)) < 0)
				r = -1;
			close(fd);
		}
	}
	if (r < 0) {
		fprintf(stderr, "fuzz_safefs: cannot create '%s': %m\n", p);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(base))
		abort();
	root = xasprintf("%s/root", base);
	_cleanup_free_ char *outside_abs = xasprintf("%s/outside", base);
	mk("dir", "outside", NULL);
	mk("file", "outside/canary", "outside");
	mk("dir", "root", NULL);
	mk("dir", "root/etc", NULL);
	mk("file", "root/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	mk("dir", "root/etc/dir", NULL);
	mk("dir", "root/etc/dir/sub", NULL);
	mk("link", "root/abs", "/etc");
	mk("link", "root/rel", "../outside");
	mk("link", "root/up", "..");
	mk("link", "root/loop", "loop");
	mk("link", "root/ping", "pong");
	mk("link", "root/pong", "ping");
	mk("link", "root/etc/dir/back", "../../..");
	mk("link", "root/etc/dir/sub/far", "../../../../../../outside/canary");
	mk("link", "root/hostpath", outside_abs);
	mk("link", "root/dotdot", "/../../..");
	mk("link", "root/file", "etc/passwd");
	mk("link", "root/dirlink", "etc/dir");
	mk("link", "root/chain", "dirlink/back/abs");
	mk("link", "root/slash", "/");
	mk("link", "root/proc", "/proc/self/root");
	atexit(cleanup);
	if (safefs_init(&fs_kernel, root) < 0 || safefs_init(&fs_walk, root) < 0)
		abort();
	fs_walk.use_openat2 = false;
	return 0;
}

/* The descriptor must name ROOT or something below it. */
static void assert_inside(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;
	size_t rl = strlen(root);

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof target - 1);
	FUZZ_ASSERT(n > 0);
	target[n] = '\0';
	if (strncmp(target, root, rl) != 0 || (target[rl] != '\0' && target[rl] != '/')) {
		fprintf(stderr, "resolved outside the root: '%s'\n", target);
		abort();
	}
}

struct outcome {
	int err; /* 0 or -errno */
	dev_t dev;
	ino_t ino;
};

static struct outcome probe(const struct safefs *fs, const char *path, int which)
{
	struct outcome o = {0};
	struct stat st;
	const char *name;
	int fd;

	switch (which) {
	case 0: fd = safefs_open(fs, path, O_RDONLY); break;
	case 1: fd = safefs_open_dir(fs, path); break;
	case 2: fd = safefs_open_parent(fs, path, &name); break;
	default: fd = safefs_open(fs, path, O_PATH); break;
	}
	if (fd < 0) {
		FUZZ_ASSERT(fd > -4096);
		o.err = fd;
		return o;
	}
	assert_inside(fd);
	FUZZ_ASSERT(fstat(fd, &st) == 0);
	o.dev = st.st_dev;
	o.ino = st.st_ino;
	close(fd);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (size > PATH_CAP)
		return 0;
	path = xmalloc(size + 2);
	path[0] = '/';
	memcpy(path + 1, data, size);
	path[size + 1] = '\0';

	for (int which = 0; which < 4; which++) {
		struct outcome k = probe(&fs_kernel, path, which);
		struct outcome w = probe(&fs_walk, path, which);
		/* both must find the same thing, or both fail (the errno may differ) */
		if ((k.err == 0) != (w.err == 0) || k.dev != w.dev || k.ino != w.ino) {
			fprintf(stderr, "openat2: %s, fallback: %s\n", k.err ? strerror(-k.err) : "found",
				w.err ? strerror(-w.err) : "found");
			fprintf(stderr, "openat2 and the fallback disagree on '%s' (probe %d)\n", path, which);
			abort();
		}
	}
	(void)safefs_lstat(&fs_kernel, path, &st);
	(void)safefs_lstat(&fs_walk, path, &st);
	return 0;
}
