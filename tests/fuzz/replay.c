/* SPDX-License-Identifier: Apache-2.0 */
/* Replay driver for fuzz targets built without libFuzzer: feeds every file named (or found in a
 * directory named) on the command line to LLVMFuzzerTestOneInput once. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#include "safefs.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX (16 << 20)

static int replay_file(const char *path)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	int r;

	if (fd < 0)
		return -errno;
	r = safefs_read_fd(fd, REPLAY_MAX, &buf, &len);
	if (r < 0)
		return r;
	/* a heap copy of exactly LEN bytes, so ASan sees any read past the input */
	uint8_t *copy = xmalloc(len ? len : 1);
	memcpy(copy, buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	unsigned long long n = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct strv names = {0};
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: '%s': %m\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) < 0) {
				fprintf(stderr, "replay: '%s': cannot read\n", argv[i]);
				return 1;
			}
			n++;
			continue;
		}
		if (!(d = opendir(argv[i]))) {
			fprintf(stderr, "replay: '%s': %m\n", argv[i]);
			return 1;
		}
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				strv_push(&names, de->d_name);
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_names);
		for (size_t k = 0; k < names.n; k++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", argv[i], names.v[k]);
			if (replay_file(p) < 0) {
				fprintf(stderr, "replay: '%s': cannot read\n", p);
				strv_free(&names);
				return 1;
			}
			n++;
		}
		strv_free(&names);
	}
	printf("replay: %llu inputs, no crash\n", n);
	return n ? 0 : 1;
}
