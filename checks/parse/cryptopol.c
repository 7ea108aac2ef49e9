/* SPDX-License-Identifier: Apache-2.0 */
/* The system crypto policy and what sshd gets from it: see cryptopol.h. */
#include "cryptopol.h"

#include "imgfile.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#define CRYPTOPOL_MAX_FILE (256 * 1024)

/* sshd.service as RHEL 8 ships it: "ExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY" */
static const char *const sshd_units[] = {"/etc/systemd/system/sshd.service", "/usr/lib/systemd/system/sshd.service",
					 "/lib/systemd/system/sshd.service"};

static bool env_name_ok(const char *s, size_t n)
{
	if (!n || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* The value after '=' on one line: quotes removed, escapes applied, unquoted trailing blanks
 * dropped (systemd's load_env_file keeps quoted blanks). */
static char *env_value(const char *v, size_t n)
{
	struct strbuf out = {0};
	size_t keep = 0; /* length up to the last quoted or non-blank byte */

	strbuf_puts(&out, "");
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		if (ch == '\'') {
			for (i++; i < n && v[i] != '\''; i++)
				strbuf_append(&out, &v[i], 1);
			keep = out.len;
		} else if (ch == '"') {
			for (i++; i < n && v[i] != '"'; i++) {
				if (v[i] == '\\' && i + 1 < n && strchr("\"\\`$", v[i + 1]))
					i++;
				strbuf_append(&out, &v[i], 1);
			}
			keep = out.len;
		} else if (ch == '\\') {
			if (i + 1 < n) {
				strbuf_append(&out, &v[++i], 1);
				keep = out.len;
			}
		} else {
			strbuf_append(&out, &ch, 1);
			if (ch != ' ' && ch != '\t')
				keep = out.len;
		}
	}
	strbuf_truncate(&out, keep);
	return out.buf;
}

int cryptopol_env_get(const char *text, const char *key, char **value, unsigned *line)
{
	unsigned lineno = 0;
	int found = -ENOENT;

	*value = NULL;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		const char *end = l + n;
		lineno++;
		const char *p = l;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (p < end && *p != '#' && *p != ';' && eq) {
			size_t klen = (size_t)(eq - p);
			while (klen && (p[klen - 1] == ' ' || p[klen - 1] == '\t'))
				klen--;
			size_t vlen = (size_t)(end - eq - 1);
			if (vlen && eq[vlen] == '\r')
				vlen--;
			if (env_name_ok(p, klen) && klen == strlen(key) && memcmp(p, key, klen) == 0) {
				free(*value);
				*value = env_value(eq + 1, vlen);
				*line = lineno;
				found = 0;
			}
		}
		l = *end ? end + 1 : end;
	}
	return found;
}

void cryptopol_split_opts(const char *value, struct strv *out)
{
	bool next_is_opt = false;

	for (const char *p = value; *p;) {
		size_t n = strcspn(p, " \t\n");
		if (n) {
			_cleanup_free_ char *w = xstrndup(p, n);
			const char *opt = next_is_opt ? w : startswith(w, "-o") && w[2] ? w + 2 : NULL;
			next_is_opt = streq(w, "-o");
			if (opt && strchr(opt, '='))
				strv_push(out, opt);
		}
		p += n;
		p += strspn(p, " \t\n");
	}
}

/* 1 when sshd.service passes $CRYPTO_POLICY, 0 when a unit is there and does not; with no unit,
 * DEFAULT_ANSWER (whether the back-end has the command-line form, which only such units read). */
static int unit_passes_policy(const struct safefs *fs, int default_answer, const char **err_path)
{
	for (size_t i = 0; i < ELEMENTSOF(sshd_units); i++) {
		_cleanup_free_ char *text = NULL;
		int r = imgfile_read(fs, sshd_units[i], CRYPTOPOL_MAX_FILE, &text, NULL);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0) {
			*err_path = sshd_units[i];
			return r;
		}
		return strstr(text, "$CRYPTO_POLICY") || strstr(text, "${CRYPTO_POLICY}") ? 1 : 0;
	}
	return default_answer;
}

/* Read PATH, treating a missing file as empty: 0 with *TEXT NULL. */
static int read_optional(const struct safefs *fs, const char *path, char **text, const char **err_path)
{
	int r = imgfile_read(fs, path, CRYPTOPOL_MAX_FILE, text, NULL);
	if (r == -ENOENT || r == -ENOTDIR) {
		*text = NULL;
		return 0;
	}
	if (r < 0)
		*err_path = path;
	return r;
}

int cryptopol_load(const struct safefs *fs, struct cryptopol *cp, const char **err_path)
{
	_cleanup_free_ char *config = NULL, *backend = NULL, *sysconfig = NULL, *value = NULL, *bvalue = NULL;
	unsigned line = 0, bline = 0;
	bool backend_env;
	int r;

	*cp = (struct cryptopol){0};
	if ((r = read_optional(fs, CRYPTOPOL_CONFIG, &config, err_path)) < 0)
		return r;
	if (!config)
		return 0;
	/* the policy is the first word of the first line that is not a comment */
	unsigned lineno = 0;
	for (const char *l = config; *l && !cp->policy;) {
		size_t n = strcspn(l, "\n");
		const char *w = l + strspn(l, " \t\r");
		size_t wn = strcspn(w, " \t\r\n");
		lineno++;
		if (*w != '#' && wn) {
			cp->policy = xstrndup(w, wn);
			cp->policy_line = lineno;
		}
		l += n + (l[n] ? 1 : 0);
	}
	if (!cp->policy)
		cp->policy = xstrdup("DEFAULT"); /* update-crypto-policies reads an empty file so */
	if ((r = read_optional(fs, CRYPTOPOL_SSHD_BACKEND, &backend, err_path)) < 0 ||
	    (r = read_optional(fs, CRYPTOPOL_SSHD_SYSCONFIG, &sysconfig, err_path)) < 0)
		return r;
	backend_env = backend && cryptopol_env_get(backend, "CRYPTO_POLICY", &bvalue, &bline) == 0;
	cp->sshd_backend = backend != NULL;
	cp->sshd_backend_env = backend_env;
	/* systemd reads the back-end, then /etc/sysconfig/sshd: a CRYPTO_POLICY there wins */
	if (sysconfig && cryptopol_env_get(sysconfig, "CRYPTO_POLICY", &value, &line) == 0) {
		cp->overridden = true;
		cp->sshd_opts_file = xstrdup(CRYPTOPOL_SSHD_SYSCONFIG);
	} else if (backend_env) {
		value = bvalue;
		bvalue = NULL;
		line = bline;
		cp->sshd_opts_file = xstrdup(CRYPTOPOL_SSHD_BACKEND);
	} else {
		return 0; /* RHEL 9 and later: the back-end is sshd_config text, read where it is included */
	}
	cp->sshd_opts_line = line;
	r = unit_passes_policy(fs, backend_env, err_path);
	if (r < 0)
		return r;
	if (r > 0)
		cryptopol_split_opts(value, &cp->sshd_opts);
	return 0;
}

void cryptopol_free(struct cryptopol *cp)
{
	free(cp->policy);
	strv_free(&cp->sshd_opts);
	free(cp->sshd_opts_file);
	*cp = (struct cryptopol){0};
}
