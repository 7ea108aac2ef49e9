/* SPDX-License-Identifier: Apache-2.0 */
/* Redaction of secrets for every output: report, logs, API, manifest. */
#include "redact.h"

#include <openssl/evp.h>

#include "util.h"

#define SHOWN 4
#define MAX_STARS 16

void redact_fingerprint(const void *data, size_t len, char out[13])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
		abort();
	for (int i = 0; i < 6; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[12] = '\0';
}

char *redact_secret(const char *secret, size_t len)
{
	char fp[13];
	/* at most an eighth of the secret and never more than 4 characters: a token's public prefix
	 * ("ghp_", "AKIA") shows, a 12-character password keeps 1 */
	size_t shown = len / 8 < SHOWN ? len / 8 : SHOWN;
	size_t stars = len - shown > MAX_STARS ? MAX_STARS : len - shown;
	struct strbuf sb = {0};

	redact_fingerprint(secret, len, fp);
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)secret[i];
		/* keep the report valid text whatever the secret's bytes are */
		char ch = (c >= 0x21 && c < 0x7f) ? (char)c : '?';
		strbuf_append(&sb, &ch, 1);
	}
	for (size_t i = 0; i < stars; i++)
		strbuf_append(&sb, "*", 1);
	strbuf_printf(&sb, "(sha256:%s)", fp);
	return sb.buf;
}
