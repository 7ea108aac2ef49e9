/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the secret scanner's chunk matcher (Vectorscan streaming). The same bytes fed in
 * two chunks split anywhere must match the same rules as in one piece: a secret cut by a read
 * boundary is still found. Also the value helpers the rules use on what matched. */
#include "fuzz.h"
#include "redact.h"
#include "secretrules.h"
#include "secretscan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret_mask whole, split;
	const char *buf;
	size_t len, at;

	if (size < 2)
		return 0;
	/* the first two bytes choose where the stream is cut */
	at = (size_t)(data[0] | data[1] << 8);
	buf = (const char *)data + 2;
	len = size - 2;
	at = len ? at % (len + 1) : 0;
	FUZZ_ASSERT(secretscan_detect_buffer(buf, len, len, &whole) == 0);
	FUZZ_ASSERT(secretscan_detect_buffer(buf, len, at, &split) == 0);
	if (memcmp(&whole, &split, sizeof whole) != 0) {
		fprintf(stderr, "rules matched depend on the chunk boundary at %zu\n", at);
		abort();
	}
	const char *v;
	size_t vn;
	secret_cut_value(buf, buf + len, &v, &vn);
	FUZZ_ASSERT(!vn || (v >= buf && v + vn <= buf + len));
	double e = secret_entropy(buf, len);
	FUZZ_ASSERT(e >= 0.0 && e <= 8.0);
	(void)secret_is_placeholder(buf, len);
	(void)secret_value_is_credential(buf, len);
	/* the keyword engine's key scoring and value judgement on anything */
	int score = secret_key_score(buf, len);
	FUZZ_ASSERT(score >= 0 && score <= 2);
	(void)secret_assigned_value_ok(buf, len, score, len & 1);
	if (len == 36)
		(void)secret_base62_crc_ok(buf, len);
	_cleanup_free_ char *red = redact_secret(buf, len);
	/* redaction keeps at most 4 characters of the secret */
	FUZZ_ASSERT(strlen(red) < 80);
	return 0;
}
