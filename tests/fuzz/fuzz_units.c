/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a systemd unit file in an image (its [Install] section, aliases, enablement
 * links), through the same safe fs the checks use. */
#include "fuzz.h"
#include "units.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct safefs *fs = fuzz_root();
	(void)fs;
	fuzz_root_write("lib/systemd/system/other.service", "[Unit]\n", 7);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct safefs *fs = fuzz_root();
	struct units u = {0};
	struct unit_info info = {0};

	fuzz_root_write("etc/systemd/system/fuzz.service", data, size);
	fuzz_root_write("etc/systemd/system/fuzz@.service", data, size);
	FUZZ_ASSERT(units_load(fs, &u, NULL) == 0);
	static const char *const names[] = {"fuzz.service", "fuzz@tty1.service", "alias.service", "other.service"};
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		if (units_query(fs, &u, names[i], &info, NULL) == 0)
			FUZZ_ASSERT(units_state_name(info.state));
		unit_info_free(&info);
		info = (struct unit_info){0};
	}
	units_free(&u);
	return 0;
}
