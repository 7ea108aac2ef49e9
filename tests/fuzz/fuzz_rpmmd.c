/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: cached rpm-md metadata through capgate's libsolv wrapper (checks/parse/rpmmd.c):
 * repomd.xml, and updateinfo plain or compressed as libsolvext unpacks it by the file's suffix.
 * The first byte picks the reader: 'r' repomd.xml; 'x' updateinfo.xml, 'g' .gz, 'j' .xz,
 * 'z' .zst, 'b' .bz2; any other byte its value modulo 6 in that order. */
#include "fuzz.h"
#include "rpmmd.h"

#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

static void updateinfo(const uint8_t *data, size_t size, const char *name)
{
	struct rpmmd_updates u = {0};
	int fd = memfd_create("updateinfo", MFD_CLOEXEC);

	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(size == 0 || write(fd, data, size) == (ssize_t)size);
	FUZZ_ASSERT(lseek(fd, 0, SEEK_SET) == 0);
	/* a small bound, so a compressed bomb ends as -EFBIG, never as memory */
	int e = rpmmd_updateinfo_fd(fd, name, 8u << 20, &u);
	FUZZ_ASSERT(e == 0 || e == -EBADMSG || e == -EFBIG || e == -EIO);
	for (size_t i = 0; i < u.n; i++) {
		const struct rpmmd_fix *f = &u.v[i];
		FUZZ_ASSERT(f->advisory && f->name && f->evr && f->arch && *f->name && *f->evr);
		FUZZ_ASSERT(rpmmd_evrcmp(&u, f->evr, f->evr) == 0);
		if (i)
			FUZZ_ASSERT(rpmmd_evrcmp(&u, f->evr, u.v[i - 1].evr) == -rpmmd_evrcmp(&u, u.v[i - 1].evr, f->evr));
	}
	rpmmd_updates_free(&u);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char modes[] = "rxgjzb";
	static const char *const names[] = {NULL, "u-updateinfo.xml", "u-updateinfo.xml.gz", "u-updateinfo.xml.xz",
					    "u-updateinfo.xml.zst", "u-updateinfo.xml.bz2"};
	if (size < 1)
		return 0;
	size_t mode = data[0] % 6u;
	for (size_t i = 0; i < 6; i++)
		if (modes[i] == (char)data[0])
			mode = i;
	data++, size--;
	if (mode == 0) {
		char *href = NULL;
		int e = rpmmd_repomd_updateinfo((const char *)data, size, &href);
		FUZZ_ASSERT(e == 1 ? href && *href : !href);
		FUZZ_ASSERT(e == 1 || e == 0 || e == -EBADMSG);
		free(href);
		return 0;
	}
	updateinfo(data, size, names[mode]);
	return 0;
}
