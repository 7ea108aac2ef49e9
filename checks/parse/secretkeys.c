/* SPDX-License-Identifier: Apache-2.0 */
/* Private-key confirmation: OpenSSL parses PEM and PKCS#12; OpenSSH and PuTTY containers are
 * parsed by their published layouts. A block that does not parse is kept at lower confidence. */
#include <ctype.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "secretrules.h"
#include "util.h"

#define PEM_READ_MAX (64 << 10)
#define P12_READ_MAX (1 << 20)

/* No passphrase is ever tried: an encrypted key stays encrypted. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static size_t read_at(int fd, unsigned long long off, char *buf, size_t max)
{
	size_t got = 0;
	while (got < max) {
		ssize_t n = pread(fd, buf + got, max - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* openssh-key-v1 (OpenSSH PROTOCOL.key): magic, cipher, kdf, kdfopts, nkeys, public keys,
 * private section whose two check integers match when it is not encrypted. */
struct sshbuf {
	const unsigned char *p;
	size_t n;
};

static bool ssh_string(struct sshbuf *b, const unsigned char **s, size_t *len)
{
	uint32_t l;
	if (b->n < 4)
		return false;
	l = be32(b->p);
	if (l > b->n - 4)
		return false;
	*s = b->p + 4;
	*len = l;
	b->p += 4 + l;
	b->n -= 4 + l;
	return true;
}

static bool openssh_parse(const unsigned char *d, size_t n, char **msg)
{
	static const char magic[] = "openssh-key-v1";
	struct sshbuf b = {d, n};
	const unsigned char *cipher, *kdf, *opts, *pub, *priv, *type;
	size_t cl, kl, ol, pl, vl, tl;
	uint32_t nkeys;
	struct sshbuf pb;

	if (n < sizeof magic || memcmp(d, magic, sizeof magic) != 0)
		return false;
	b.p += sizeof magic;
	b.n -= sizeof magic;
	if (!ssh_string(&b, &cipher, &cl) || !ssh_string(&b, &kdf, &kl) || !ssh_string(&b, &opts, &ol) || b.n < 4)
		return false;
	nkeys = be32(b.p);
	b.p += 4;
	b.n -= 4;
	if (nkeys < 1 || nkeys > 16 || !ssh_string(&b, &pub, &pl) || !ssh_string(&b, &priv, &vl))
		return false;
	pb = (struct sshbuf){pub, pl};
	if (!ssh_string(&pb, &type, &tl) || tl > 64)
		return false;
	if (cl == 4 && memcmp(cipher, "none", 4) == 0) {
		if (vl < 8 || be32(priv) != be32(priv + 4))
			return false;
		*msg = xasprintf("OpenSSH private key (%.*s), not encrypted; container parsed", (int)tl, type);
	} else
		*msg = xasprintf("OpenSSH private key (%.*s), encrypted with %.*s/%.*s; container parsed",
				 (int)tl, type, (int)cl, cipher, (int)kl, kdf);
	return true;
}

static size_t b64_decode(const char *s, size_t n, unsigned char **out)
{
	unsigned char *d = xmalloc(n / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], v;
		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+') v = 62;
		else if (c == '/') v = 63;
		else continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[o++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	*out = d;
	return o;
}

bool secretkeys_confirm_pem(const char *pem, size_t len, char **msg)
{
	const char *lab = memmem(pem, len, "BEGIN ", 6), *labend;
	_cleanup_free_ char *label = NULL;
	BIO *bio;
	bool ok = false;

	if (!lab)
		return false;
	lab += 6;
	labend = memmem(lab, len - (size_t)(lab - pem), "-----", 5);
	if (!labend)
		return false;
	label = xstrndup(lab, (size_t)(labend - lab));

	if (streq(label, "OPENSSH PRIVATE KEY")) {
		const char *body = labend + 5, *end = memmem(body, len - (size_t)(body - pem), "-----END", 8);
		_cleanup_free_ unsigned char *d = NULL;
		size_t dn = b64_decode(body, (size_t)((end ? end : pem + len) - body), &d);
		return openssh_parse(d, dn, msg);
	}
	if (strstr(label, "PGP")) {
		*msg = xstrdup("OpenPGP private key block (OpenSSL does not read OpenPGP; not verified)");
		return false;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		abort();
	if (streq(label, "ENCRYPTED PRIVATE KEY")) {
		X509_SIG *p8 = PEM_read_bio_PKCS8(bio, NULL, no_passphrase, NULL);
		if (p8) {
			*msg = xstrdup("PKCS#8 private key, encrypted (passphrase-protected); structure confirmed by OpenSSL");
			X509_SIG_free(p8);
			ok = true;
		}
	} else if (memmem(pem, len, "Proc-Type: 4,ENCRYPTED", 22)) {
		char *name = NULL, *header = NULL;
		unsigned char *data = NULL;
		long dlen = 0;
		EVP_CIPHER_INFO ci;
		if (PEM_read_bio(bio, &name, &header, &data, &dlen) && PEM_get_EVP_CIPHER_INFO(header, &ci) && dlen > 0) {
			*msg = xasprintf("%s, encrypted with %s (passphrase-protected); PEM structure confirmed by OpenSSL",
					 label, ci.cipher ? EVP_CIPHER_get0_name(ci.cipher) : "an unknown cipher");
			ok = true;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	} else {
		EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		if (pk) {
			*msg = xasprintf("%s private key (%d bits), not encrypted; parsed by OpenSSL",
					 EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "unknown",
					 EVP_PKEY_get_bits(pk));
			EVP_PKEY_free(pk);
			ok = true;
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	return ok;
}

static size_t count_b64(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '/';
	return k;
}

/* A PEM block inside a JSON or YAML string carries "\n" escapes instead of newlines. */
static size_t unescape_newlines(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == '/')) {
			s[o++] = s[i + 1] == 'n' ? '\n' : '/';
			i++;
		} else
			s[o++] = s[i];
	}
	return o;
}

bool secretkeys_judge_pem(const struct secret_rule *rule, struct secret_cand *c)
{
	_cleanup_free_ char *buf = xmalloc(PEM_READ_MAX);
	size_t n = read_at(c->fd, c->abs_from, buf, PEM_READ_MAX);
	char *end = memmem(buf, n, "-----END ", 9), *close, *body;
	size_t blen;
	char *msg = NULL;

	if (!end)
		return false; /* a header string in code or docs, not a key */
	close = memmem(end + 9, n - (size_t)(end + 9 - buf), "-----", 5);
	if (!close)
		return false;
	blen = (size_t)(close + 5 - buf);
	blen = unescape_newlines(buf, blen);
	body = memchr(buf + 10, '-', blen - 10); /* end of the BEGIN line's dashes */
	body = body ? memmem(body, blen - (size_t)(body - buf), "-----", 5) : NULL;
	if (!body)
		return false;
	body += 5;
	end = memmem(body, blen - (size_t)(body - buf), "-----END ", 9);
	if (!end || count_b64(body, (size_t)(end - body)) < 64)
		return false; /* gitleaks' rule too: an empty or toy block is no key */

	if (secretkeys_confirm_pem(buf, blen, &msg))
		c->rule = "private-key";
	else {
		char *why = msg;
		msg = xasprintf("%s; reported at lower confidence", why ? why :
				"PEM private-key block that OpenSSL cannot parse");
		free(why);
		c->rule = "private-key-unverified";
	}
	c->message = msg;
	/* evidence: the base64 body, so the fingerprint identifies the key */
	c->owned = xmalloc((size_t)(end - body) + 1);
	size_t k = 0;
	for (const char *p = body; p < end; p++)
		if (!isspace((unsigned char)*p))
			c->owned[k++] = *p;
	c->owned[k] = '\0';
	c->secret = c->owned;
	c->secret_len = k;
	return true;
}

static const char *putty_field(const char *buf, size_t n, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (const char *p = buf; p && p < buf + n;) {
		if ((size_t)(buf + n - p) > nl && memcmp(p, name, nl) == 0) {
			const char *v = p + nl, *e = memchr(v, '\n', (size_t)(buf + n - v));
			*len = (size_t)((e ? e : buf + n) - v);
			while (*len && (v[*len - 1] == '\r'))
				(*len)--;
			return v;
		}
		p = memchr(p, '\n', (size_t)(buf + n - p));
		if (p)
			p++;
	}
	return NULL;
}

bool secretkeys_judge_putty(const struct secret_rule *rule, struct secret_cand *c)
{
	_cleanup_free_ char *buf = NULL;
	const char *alg, *enc, *lines, *mac;
	size_t al, el, ll, ml, n;

	if (c->from > 0 && c->buf[c->from - 1] != '\n')
		return false; /* the header in running text or code */
	buf = xmalloc(PEM_READ_MAX);
	n = read_at(c->fd, c->abs_from, buf, PEM_READ_MAX);
	alg = putty_field(buf, n, "PuTTY-User-Key-File-", &al);
	enc = putty_field(buf, n, "Encryption: ", &el);
	lines = putty_field(buf, n, "Private-Lines: ", &ll);
	mac = putty_field(buf, n, "Private-MAC: ", &ml);
	if (!alg || !lines)
		return false;
	if (!enc || !mac) {
		c->message = xstrdup("PuTTY key file without its Encryption or Private-MAC field; reported at lower confidence");
		c->rule = "putty-private-key-unverified";
	} else
		c->message = xasprintf("PuTTY private key (%.*s), %s", (int)(al > 3 ? al - 3 : al), al > 3 ? alg + 3 : alg,
				       el == 4 && memcmp(enc, "none", 4) == 0 ? "not encrypted" : "encrypted");
	if (mac) {
		c->secret = mac;
		c->secret_len = ml;
		c->owned = xstrndup(mac, ml);
		c->secret = c->owned;
	}
	return true;
}

void secretkeys_judge_pkcs12(int fd, char **msg, const char **rule)
{
	_cleanup_free_ char *buf = xmalloc(P12_READ_MAX);
	size_t n = read_at(fd, 0, buf, P12_READ_MAX);
	const unsigned char *p = (const unsigned char *)buf;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)n);

	if (!p12) {
		*msg = xstrdup("named like a PKCS#12 bundle but OpenSSL cannot parse it; reported at lower confidence");
		*rule = "pkcs12-unverified";
		ERR_clear_error();
		return;
	}
	*rule = "pkcs12";
	if (PKCS12_verify_mac(p12, "", 0) || PKCS12_verify_mac(p12, NULL, 0)) {
		EVP_PKEY *pk = NULL;
		X509 *cert = NULL;
		if (PKCS12_parse(p12, "", &pk, &cert, NULL) && pk)
			*msg = xasprintf("PKCS#12 bundle with an unprotected %s private key; parsed by OpenSSL",
					 EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "");
		else
			*msg = xstrdup("PKCS#12 bundle without a password (may hold a private key); parsed by OpenSSL");
		EVP_PKEY_free(pk);
		X509_free(cert);
	} else
		*msg = xstrdup("password-protected PKCS#12 bundle (holds a private key and certificate); parsed by OpenSSL");
	PKCS12_free(p12);
	ERR_clear_error();
}
