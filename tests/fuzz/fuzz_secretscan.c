/* Fuzz target: the secrets chunk matcher. Whatever the bytes and wherever the stream is cut,
 * detection gives the same rules as one piece; the value judges never read out of bounds. */
#include "fuzz.h"
#include "secretrules.h"
#include "secretscan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t whole = 0, cut = 0;
	size_t split;
	const char *v;
	size_t n;

	if (size < 1)
		return 0;
	split = data[0] % size;
	data++;
	size--;
	FUZZ_ASSERT(secretscan_detect_buffer((const char *)data, size, size, &whole) == 0);
	FUZZ_ASSERT(secretscan_detect_buffer((const char *)data, size, split, &cut) == 0);
	FUZZ_ASSERT(whole == cut);
	secret_cut_value((const char *)data, (const char *)data + size, &v, &n);
	FUZZ_ASSERT(v >= (const char *)data && v + n <= (const char *)data + size);
	(void)secret_is_placeholder((const char *)data, size);
	(void)secret_value_is_credential((const char *)data, size);
	FUZZ_ASSERT(secret_entropy((const char *)data, size) <= 8.0001);
	return 0;
}
