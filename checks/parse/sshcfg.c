/* SPDX-License-Identifier: Apache-2.0 */
/* sshd_config evaluation mirroring OpenSSH's servconf.c: first value wins, Include with globs
 * relative to /etc/ssh in lexical order, Match blocks kept apart from the global result,
 * keywords case-insensitive, compiled-in defaults per OpenSSH version. */
#include "sshcfg.h"

#include <ctype.h>
#include <fnmatch.h>
#include <strings.h>

#include "cryptopol.h"
#include "dpkg.h"
#include "imgdir.h"
#include "imgfile.h"

#define SSHCFG_MAX_FILE (1 << 20)
#define SSHCFG_MAX_DEPTH 16 /* READCONF_MAX_DEPTH */
/* Files read per load: a file that includes itself twice would otherwise be read 2^16 times. */
#define SSHCFG_MAX_FILES 256
#define SSHCFG_MAX_TOTAL (1 << 20) /* bytes read through Include, all files together */

enum {
	KW_MULTI = 1 << 0,   /* every occurrence accumulates (HostKey, Port, AllowUsers, ...) */
	KW_ALGS = 1 << 1,    /* algorithm list: +add, -remove, ^prepend against the default */
	KW_IGNORED = 1 << 2, /* deprecated or unsupported: sshd logs and goes on */
};

struct keyword {
	const char *name;  /* lowercase, as written */
	const char *canon; /* the keyword it is an alias of, or NULL */
	unsigned flags;
};

/* sshd 9.2 keywords (servconf.c keywords[] plus Debian's GSSAPI key-exchange patch). */
static const struct keyword keywords[] = {
	{"acceptenv", NULL, KW_MULTI}, {"addressfamily", NULL, 0}, {"afstokenpassing", NULL, KW_IGNORED},
	{"allowagentforwarding", NULL, 0}, {"allowgroups", NULL, KW_MULTI},
	{"allowstreamlocalforwarding", NULL, 0}, {"allowtcpforwarding", NULL, 0},
	{"allowusers", NULL, KW_MULTI}, {"authenticationmethods", NULL, 0},
	{"authorizedkeyscommand", NULL, 0}, {"authorizedkeyscommanduser", NULL, 0},
	{"authorizedkeysfile", NULL, 0}, {"authorizedkeysfile2", NULL, KW_IGNORED},
	{"authorizedprincipalscommand", NULL, 0}, {"authorizedprincipalscommanduser", NULL, 0},
	{"authorizedprincipalsfile", NULL, 0}, {"banner", NULL, 0},
	{"casignaturealgorithms", NULL, KW_ALGS}, {"challengeresponseauthentication", "kbdinteractiveauthentication", 0},
	{"channeltimeout", NULL, 0}, {"checkmail", NULL, KW_IGNORED}, {"chrootdirectory", NULL, 0},
	{"ciphers", NULL, KW_ALGS}, {"clientalivecountmax", NULL, 0}, {"clientaliveinterval", NULL, 0},
	{"compression", NULL, 0}, {"debianbanner", NULL, 0}, {"denygroups", NULL, KW_MULTI},
	{"denyusers", NULL, KW_MULTI}, {"disableforwarding", NULL, 0},
	{"dsaauthentication", "pubkeyauthentication", 0}, {"exposeauthinfo", NULL, 0},
	{"fingerprinthash", NULL, 0}, {"forcecommand", NULL, 0}, {"gatewayports", NULL, 0},
	{"gssapiauthentication", NULL, 0}, {"gssapicleanupcredentials", NULL, 0},
	{"gssapikexalgorithms", NULL, 0}, {"gssapikeyexchange", NULL, 0},
	{"gssapistorecredentialsonrekey", NULL, 0}, {"gssapistrictacceptorcheck", NULL, 0},
	{"hostbasedacceptedalgorithms", NULL, KW_ALGS},
	{"hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms", KW_ALGS},
	{"hostbasedauthentication", NULL, 0}, {"hostbasedusesnamefrompacketonly", NULL, 0},
	{"hostcertificate", NULL, KW_MULTI}, {"hostdsakey", "hostkey", KW_MULTI}, {"hostkey", NULL, KW_MULTI},
	{"hostkeyagent", NULL, 0}, {"hostkeyalgorithms", NULL, KW_ALGS}, {"ignorerhosts", NULL, 0},
	{"ignoreuserknownhosts", NULL, 0}, {"include", NULL, 0}, {"ipqos", NULL, 0},
	{"kbdinteractiveauthentication", NULL, 0}, {"kerberosauthentication", NULL, 0},
	{"kerberosgetafstoken", NULL, 0}, {"kerberosorlocalpasswd", NULL, 0},
	{"kerberosticketcleanup", NULL, 0}, {"kerberostgtpassing", NULL, KW_IGNORED},
	{"keepalive", "tcpkeepalive", 0}, {"kexalgorithms", NULL, KW_ALGS},
	{"keyregenerationinterval", NULL, KW_IGNORED}, {"listenaddress", NULL, KW_MULTI},
	{"logingracetime", NULL, 0}, {"loglevel", NULL, 0}, {"logverbose", NULL, 0}, {"macs", NULL, KW_ALGS},
	{"match", NULL, 0}, {"maxauthtries", NULL, 0}, {"maxsessions", NULL, 0}, {"maxstartups", NULL, 0},
	{"modulifile", NULL, 0}, {"passwordauthentication", NULL, 0}, {"permitemptypasswords", NULL, 0},
	{"permitlisten", NULL, 0}, {"permitopen", NULL, 0}, {"permitrootlogin", NULL, 0},
	{"permittty", NULL, 0}, {"permittunnel", NULL, 0}, {"permituserenvironment", NULL, 0},
	{"permituserrc", NULL, 0}, {"persourcemaxstartups", NULL, 0}, {"persourcenetblocksize", NULL, 0},
	{"pidfile", NULL, 0}, {"port", NULL, KW_MULTI}, {"printlastlog", NULL, 0}, {"printmotd", NULL, 0},
	{"protocol", NULL, KW_IGNORED}, {"pubkeyacceptedalgorithms", NULL, KW_ALGS},
	{"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", KW_ALGS}, {"pubkeyauthentication", NULL, 0},
	{"pubkeyauthoptions", NULL, 0}, {"rdomain", NULL, 0}, {"rekeylimit", NULL, 0},
	{"requiredrsasize", NULL, 0}, {"reversemappingcheck", NULL, KW_IGNORED}, {"revokedkeys", NULL, 0},
	{"rhostsauthentication", NULL, KW_IGNORED}, {"rhostsrsaauthentication", NULL, KW_IGNORED},
	{"rsaauthentication", NULL, KW_IGNORED}, {"securitykeyprovider", NULL, 0},
	{"serverkeybits", NULL, KW_IGNORED}, {"setenv", NULL, 0},
	{"skeyauthentication", "kbdinteractiveauthentication", 0}, {"streamlocalbindmask", NULL, 0},
	{"streamlocalbindunlink", NULL, 0}, {"strictmodes", NULL, 0}, {"subsystem", NULL, KW_MULTI},
	{"syslogfacility", NULL, 0}, {"tcpkeepalive", NULL, 0}, {"trustedusercakeys", NULL, 0},
	{"unusedconnectiontimeout", NULL, 0}, {"usedns", NULL, 0}, {"uselogin", NULL, KW_IGNORED},
	{"usepam", NULL, 0}, {"useprivilegeseparation", NULL, KW_IGNORED},
	{"verifyreversemapping", NULL, KW_IGNORED}, {"versionaddendum", NULL, 0},
	{"x11displayoffset", NULL, 0}, {"x11forwarding", NULL, 0}, {"x11uselocalhost", NULL, 0},
	{"xauthlocation", NULL, 0},
};

/* Compiled-in defaults, as `sshd -T` prints them for an empty configuration, per version range
 * [since, until). Rows for 9.2 were measured on Debian 12 (openssh-server 1:9.2p1-2+deb12u10);
 * earlier rows follow the OpenSSH release notes (7.0 made prohibit-password the default, 9.0
 * put sntrup761x25519 first in the key exchange). */
struct sshcfg_default {
	const char *kw;
	const char *value;
	unsigned since, until;
};

#define ANY 0, 100000
static const struct sshcfg_default defaults[] = {
	{"port", "22", ANY},
	{"addressfamily", "any", ANY},
	{"usepam", "no", ANY},
	{"logingracetime", "120", ANY},
	{"maxauthtries", "6", ANY},
	{"maxsessions", "10", ANY},
	{"clientaliveinterval", "0", ANY},
	{"clientalivecountmax", "3", ANY},
	{"permitrootlogin", "yes", 0, 700},
	{"permitrootlogin", "prohibit-password", 700, 100000},
	{"ignorerhosts", "yes", ANY},
	{"ignoreuserknownhosts", "no", ANY},
	{"hostbasedauthentication", "no", ANY},
	{"pubkeyauthentication", "yes", ANY},
	{"kerberosauthentication", "no", ANY},
	{"gssapiauthentication", "no", ANY},
	{"passwordauthentication", "yes", ANY},
	{"kbdinteractiveauthentication", "yes", ANY},
	{"printmotd", "yes", ANY},
	{"printlastlog", "yes", ANY},
	{"x11forwarding", "no", ANY},
	{"x11uselocalhost", "yes", ANY},
	{"permittty", "yes", ANY},
	{"permituserrc", "yes", ANY},
	{"strictmodes", "yes", ANY},
	{"tcpkeepalive", "yes", ANY},
	{"permitemptypasswords", "no", ANY},
	{"compression", "yes", ANY},
	{"gatewayports", "no", ANY},
	{"usedns", "no", ANY},
	{"allowtcpforwarding", "yes", ANY},
	{"allowagentforwarding", "yes", ANY},
	{"disableforwarding", "no", ANY},
	{"allowstreamlocalforwarding", "yes", ANY},
	{"permittunnel", "no", ANY},
	{"permituserenvironment", "no", ANY},
	{"banner", "none", ANY},
	{"loglevel", "INFO", ANY},
	{"syslogfacility", "AUTH", ANY},
	{"maxstartups", "10:30:100", ANY},
	{"authorizedkeysfile", ".ssh/authorized_keys .ssh/authorized_keys2", ANY},
	{"hostkey", "/etc/ssh/ssh_host_rsa_key", ANY},
	{"hostkey", "/etc/ssh/ssh_host_ecdsa_key", ANY},
	{"hostkey", "/etc/ssh/ssh_host_ed25519_key", ANY},
	{"ciphers", "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
		    "aes256-gcm@openssh.com", ANY},
	{"macs", "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
		 "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,"
		 "hmac-sha2-256,hmac-sha2-512,hmac-sha1", ANY},
	{"kexalgorithms", "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
			  "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
			  "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256", 0, 900},
	{"kexalgorithms", "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
			  "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
			  "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
			  "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256", 900, 100000},
	{"hostkeyalgorithms", "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
			      "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
			      "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
			      "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
			      "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
			      "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256", ANY},
	{"pubkeyacceptedalgorithms", "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
				     "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
				     "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
				     "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
				     "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
				     "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
				     "rsa-sha2-256", ANY},
};
#undef ANY

#define SSHCFG_FALLBACK_VERSION 902

static const struct keyword *keyword_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
		if (strcasecmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

static unsigned keyword_flags(const char *canon)
{
	const struct keyword *k = keyword_find(canon);
	return k ? k->flags : 0;
}

int sshcfg_parse_version(const char *s, unsigned *ver)
{
	const char *p;
	char *end;
	unsigned long major, minor;

	if (!s)
		return -EINVAL;
	p = strstr(s, "OpenSSH_");
	if (p)
		p += 8;
	else {
		p = strchr(s, ':'); /* dpkg epoch */
		p = p ? p + 1 : s;
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	major = strtoul(p, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (major > 99 || minor > 99)
		return -EINVAL;
	*ver = (unsigned)(major * 100 + minor);
	return 0;
}

int sshcfg_detect_version(const struct safefs *fs, unsigned *ver, char **source, const char **err_path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct dpkg_db db = {0};
	int r = dpkg_load(fs, &db);

	if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
		dpkg_free(&db);
		*err_path = "/var/lib/dpkg/status";
		return r;
	}
	if (r == 0) {
		const struct dpkg_pkg *p = dpkg_installed(&db, "openssh-server");
		if (p && p->version && sshcfg_parse_version(p->version, ver) == 0) {
			*source = xasprintf("/var/lib/dpkg/status: openssh-server %s", p->version);
			dpkg_free(&db);
			return 0;
		}
	}
	dpkg_free(&db);
	/* no dpkg (an RPM image, a hand-built sshd): the banner string compiled into the binary */
	r = safefs_read_file(fs, "/usr/sbin/sshd", 16 << 20, &buf, &len);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR && r != -EFBIG && r != -SAFEFS_ENOTREG && r != -ELOOP) {
		*err_path = "/usr/sbin/sshd";
		return r;
	}
	if (r == 0) {
		const char *p = memmem(buf, len, "OpenSSH_", 8);
		while (p) {
			if (sshcfg_parse_version(p, ver) == 0) {
				*source = xasprintf("/usr/sbin/sshd: %.*s", (int)strcspn(p, " \n\r"), p);
				return 0;
			}
			p = memmem(p + 8, len - (size_t)(p + 8 - buf), "OpenSSH_", 8);
		}
	}
	return -ENOENT;
}

static void io_fail(struct sshcfg *c, const char *path, int err)
{
	if (c->io_err == 0) {
		c->io_err = err;
		c->io_path = xstrdup(path);
	}
}

static void diag_add(struct sshcfg *c, const char *file, unsigned line, bool fatal, const char *fmt, ...)
	_printf_(5, 6);
static void diag_add(struct sshcfg *c, const char *file, unsigned line, bool fatal, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory)");
	va_end(ap);
	if (c->ndiags >= SSHCFG_MAX_DIAGS) {
		/* a hostile file can have a million bad lines: keep the first ones and one summary,
		 * which stays fatal if anything dropped was */
		struct sshcfg_diag *last = &c->diags[SSHCFG_MAX_DIAGS - 1];
		if (!streq(last->msg, "further diagnostics dropped")) {
			free(last->msg);
			free(last->file);
			last->msg = xstrdup("further diagnostics dropped");
			last->file = file ? xstrdup(file) : NULL;
			last->line = line;
		}
		last->fatal |= fatal;
		free(msg);
		return;
	}
	c->diags = xgrowarray(c->diags, &c->capdiags, c->ndiags + 1, sizeof *c->diags);
	c->diags[c->ndiags++] = (struct sshcfg_diag){
		.file = file ? xstrdup(file) : NULL, .line = line, .msg = msg, .fatal = fatal};
}

static void opt_push(struct sshcfg_opt **v, size_t *n, size_t *cap, const char *kw, const char *value,
		     const char *file, unsigned line, const char *match)
{
	*v = xgrowarray(*v, cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct sshcfg_opt){
		.kw = xstrdup(kw), .value = xstrdup(value), .file = file ? xstrdup(file) : NULL,
		.line = line, .match = match ? xstrdup(match) : NULL,
	};
}

const struct sshcfg_opt *sshcfg_find(const struct sshcfg *c, const char *kw)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (streq(c->opts[i].kw, kw))
			return &c->opts[i];
	return NULL;
}

const char *sshcfg_get(const struct sshcfg *c, const char *kw)
{
	const struct sshcfg_opt *o = sshcfg_find(c, kw);
	return o ? o->value : NULL;
}

/* OpenSSH's argv_split(..., terminate_on_comment=1): blanks separate, quotes group, a backslash
 * escapes a quote, a backslash or a blank, and a word starting with '#' ends the line. */
static void split_args(const char *s, struct strv *out, bool *bad_quote)
{
	*bad_quote = false;
	for (;;) {
		struct strbuf w = {0};
		char quote = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			return;
		strbuf_append(&w, "", 0);
		for (; *s; s++) {
			if (*s == '\\' && (s[1] == '"' || s[1] == '\'' || s[1] == '\\' || (!quote && s[1] == ' '))) {
				strbuf_append(&w, ++s, 1);
			} else if (quote) {
				if (*s == quote)
					quote = 0;
				else
					strbuf_append(&w, s, 1);
			} else if (*s == '"' || *s == '\'') {
				quote = *s;
			} else if (*s == ' ' || *s == '\t') {
				break;
			} else
				strbuf_append(&w, s, 1);
		}
		if (quote)
			*bad_quote = true;
		strv_push(out, w.buf);
		strbuf_free(&w);
	}
}

struct parse_state {
	struct sshcfg *c;
	const struct safefs *fs;
	unsigned depth;
	unsigned files;
	unsigned includes; /* Include arguments met, followed or not */
	unsigned fixed_line; /* command-line options: every one is from this line of their file */
	size_t bytes;      /* read through includes */
};

static void parse_file(struct parse_state *ps, const char *path, bool active, const char *match);

static void parse_text(struct parse_state *ps, const char *path, const char *text, bool active, const char *inmatch)
{
	_cleanup_free_ char *copy = xstrdup(text);
	_cleanup_free_ char *match = inmatch ? xstrdup(inmatch) : NULL;
	char *save = NULL, *line;
	unsigned lineno = 0;

	strv_push(&ps->c->files, path);
	/* strtok would skip empty lines and lose their numbers: walk by hand */
	for (char *cur = copy; cur; cur = save) {
		char *nl = strchr(cur, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line = cur;
		lineno = ps->fixed_line ? ps->fixed_line : lineno + 1;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;

		/* keyword ends at a blank or at one '=' (strdelim) */
		size_t klen = strcspn(line, " \t=");
		_cleanup_free_ char *kwraw = xstrndup(line, klen);
		char *rest = line + klen;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest == '=')
			rest++;

		struct strv args = {0};
		bool bad_quote;
		split_args(rest, &args, &bad_quote);
		const struct keyword *k = keyword_find(kwraw);
		if (bad_quote)
			diag_add(ps->c, path, lineno, true, "unbalanced quote in '%s'", kwraw);
		if (!k) {
			diag_add(ps->c, path, lineno, true, "unsupported option '%s' (sshd would refuse to start)", kwraw);
			strv_free(&args);
			continue;
		}
		const char *canon = k->canon ? k->canon : k->name;
		if (k->flags & KW_IGNORED) {
			diag_add(ps->c, path, lineno, false, "deprecated option '%s' is ignored by sshd", kwraw);
			strv_free(&args);
			continue;
		}
		if (args.n == 0) {
			diag_add(ps->c, path, lineno, true, "'%s' is missing its argument", kwraw);
			strv_free(&args);
			continue;
		}
		if (streq(canon, "match")) {
			struct strbuf m = {0};
			for (size_t i = 0; i < args.n; i++) {
				if (i)
					strbuf_puts(&m, " ");
				strbuf_puts(&m, args.v[i]);
			}
			/* "Match all" returns to the global scope; any other criteria start a block whose
			 * values apply only to some connections */
			free(match);
			if (args.n == 1 && strcasecmp(args.v[0], "all") == 0) {
				match = inmatch ? xstrdup(inmatch) : NULL;
				active = !inmatch;
			} else {
				match = xasprintf("%s:%u: Match %s", path, lineno, m.buf);
				active = false;
			}
			strbuf_free(&m);
			strv_free(&args);
			continue;
		}
		if (streq(canon, "include")) {
			for (size_t i = 0; i < args.n; i++) {
				_cleanup_free_ char *pat = args.v[i][0] == '/' ? xstrdup(args.v[i])
									       : xasprintf("/etc/ssh/%s", args.v[i]);
				struct strv found = {0};
				/* counted before the glob and the depth limit: a file of Include lines that
				 * names itself would otherwise glob once per line per file read */
				if (++ps->includes > SSHCFG_MAX_FILES) {
					if (ps->includes == SSHCFG_MAX_FILES + 1)
						diag_add(ps->c, path, lineno, true,
							 "more than %d Include arguments: an include loop; not followed",
							 SSHCFG_MAX_FILES);
					continue;
				}
				if (ps->depth + 1 > SSHCFG_MAX_DEPTH) {
					diag_add(ps->c, path, lineno, true, "Include nested too deeply at '%s'", pat);
					continue;
				}
				if (ps->fs) {
					_cleanup_free_ char *where = NULL;
					int ge = imgdir_glob(ps->fs, pat, &found, &where);
					if (ge < 0 && ge != -EINVAL)
						io_fail(ps->c, where, ge);
				}
				for (size_t j = 0; j < found.n; j++) {
					ps->depth++;
					parse_file(ps, found.v[j], active, match);
					ps->depth--;
				}
				strv_free(&found);
			}
			strv_free(&args);
			continue;
		}

		struct strbuf val = {0};
		for (size_t i = 0; i < args.n; i++) {
			if (i)
				strbuf_puts(&val, " ");
			strbuf_puts(&val, args.v[i]);
		}
		if (streq(canon, "permitrootlogin") && strcasecmp(val.buf, "without-password") == 0) {
			strbuf_truncate(&val, 0);
			strbuf_puts(&val, "prohibit-password");
		}
		if (!active)
			opt_push(&ps->c->scoped, &ps->c->nscoped, &ps->c->capscoped, canon, val.buf, path, lineno, match);
		else if ((k->flags & KW_MULTI) || !sshcfg_find(ps->c, canon))
			opt_push(&ps->c->opts, &ps->c->nopts, &ps->c->capopts, canon, val.buf, path, lineno, NULL);
		strbuf_free(&val);
		strv_free(&args);
	}
}

static void parse_file(struct parse_state *ps, const char *path, bool active, const char *match)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	if (++ps->files > SSHCFG_MAX_FILES) {
		if (ps->files == SSHCFG_MAX_FILES + 1)
			diag_add(ps->c, path, 0, true, "more than %d included files read: an include loop; not read",
				 SSHCFG_MAX_FILES);
		return;
	}
	r = imgfile_read(ps->fs, path, SSHCFG_MAX_FILE, &buf, NULL);
	if (r == -SAFEFS_ENOTREG || r == -EISDIR)
		return; /* glob matched a directory; sshd would fail to open it too, but the drop-in dir
			 * pattern never names one in practice */
	if (r == -ELOOP || r == -ENOENT || r == -ENOTDIR || r == -EFBIG) {
		/* what sshd itself would trip over: a dangling or looping link, a huge file */
		diag_add(ps->c, path, 0, true, "cannot read: %s", safefs_strerror(r));
		return;
	}
	if (r < 0) {
		io_fail(ps->c, path, r);
		return;
	}
	ps->bytes += strlen(buf);
	if (ps->bytes > SSHCFG_MAX_TOTAL) {
		diag_add(ps->c, path, 0, true, "included files add up to more than 1 MiB; not read");
		return;
	}
	parse_text(ps, path, buf, active, match);
}

void sshcfg_parse_text(struct sshcfg *c, const struct safefs *fs, const char *path, const char *text)
{
	struct parse_state ps = {.c = c, .fs = fs};
	parse_text(&ps, path, text, true, NULL);
}

/* Resolve "+a,b", "-pat", "^a" against the default list, as kex_assemble_names() does. */
static char *alg_resolve(const char *value, const char *def)
{
	struct strv cur = {0}, mod = {0};
	struct strbuf out = {0};
	char op = value[0];

	if (op != '+' && op != '-' && op != '^')
		return xstrdup(value);
	strv_split_commas(&cur, def ? def : "");
	strv_split_commas(&mod, value + 1);
	if (op == '-') {
		for (size_t i = 0; i < cur.n; i++) {
			bool drop = false;
			for (size_t j = 0; j < mod.n && !drop; j++)
				drop = fnmatch(mod.v[j], cur.v[i], 0) == 0;
			if (!drop) {
				if (out.len)
					strbuf_puts(&out, ",");
				strbuf_puts(&out, cur.v[i]);
			}
		}
	} else {
		struct strv *first = op == '^' ? &mod : &cur, *second = op == '^' ? &cur : &mod;
		struct strv all = {0};
		for (size_t i = 0; i < first->n; i++)
			strv_push(&all, first->v[i]);
		for (size_t i = 0; i < second->n; i++)
			strv_push(&all, second->v[i]);
		for (size_t i = 0; i < all.n; i++) {
			bool dup = false;
			for (size_t j = 0; j < i && !dup; j++)
				dup = streq(all.v[j], all.v[i]);
			if (!dup) {
				if (out.len)
					strbuf_puts(&out, ",");
				strbuf_puts(&out, all.v[i]);
			}
		}
		strv_free(&all);
	}
	strv_free(&cur);
	strv_free(&mod);
	if (!out.buf)
		return xstrdup("");
	return out.buf;
}

static const char *default_for(unsigned ver, const char *kw)
{
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
		if (streq(defaults[i].kw, kw) && ver >= defaults[i].since && ver < defaults[i].until)
			return defaults[i].value;
	return NULL;
}

void sshcfg_finish(struct sshcfg *c)
{
	unsigned ver = c->version ? c->version : SSHCFG_FALLBACK_VERSION;
	size_t nset = c->nopts;

	/* algorithm lists written as modifications of the default */
	for (size_t i = 0; i < c->nopts; i++)
		if (keyword_flags(c->opts[i].kw) & KW_ALGS) {
			char *v = alg_resolve(c->opts[i].value, default_for(ver, c->opts[i].kw));
			free(c->opts[i].value);
			c->opts[i].value = v;
		}
	for (size_t i = 0; i < c->nscoped; i++)
		if (keyword_flags(c->scoped[i].kw) & KW_ALGS) {
			char *v = alg_resolve(c->scoped[i].value, default_for(ver, c->scoped[i].kw));
			free(c->scoped[i].value);
			c->scoped[i].value = v;
		}
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
		const struct sshcfg_default *d = &defaults[i];
		bool set = false;
		if (ver < d->since || ver >= d->until)
			continue;
		for (size_t j = 0; j < nset && !set; j++)
			set = streq(c->opts[j].kw, d->kw);
		if (!set)
			opt_push(&c->opts, &c->nopts, &c->capopts, d->kw, d->value, NULL, 0, NULL);
	}
}

int sshcfg_main(const struct safefs *fs, const char **path)
{
	int r;

	*path = imgfile_etc_or_vendor(fs, SSHCFG_MAIN, SSHCFG_VENDOR_MAIN, &r);
	return r;
}

int sshcfg_load(const struct safefs *fs, struct sshcfg *c)
{
	struct parse_state ps = {.c = c, .fs = fs};
	struct cryptopol cp;
	int r;

	const char *err_path = NULL;

	r = sshcfg_main(fs, &c->main);
	if (r < 0)
		return r;
	r = sshcfg_detect_version(fs, &c->version, &c->version_source, &err_path);
	if (r < 0 && r != -ENOENT)
		io_fail(c, err_path, r);
	if (r < 0) {
		c->version = 0;
		diag_add(c, NULL, 0, false, "OpenSSH version unknown; assuming the defaults of 9.2");
	}
	r = cryptopol_load(fs, &cp, &err_path);
	if (r < 0)
		io_fail(c, err_path, r);
	c->crypto_policy = cp.policy ? xstrdup(cp.policy) : NULL;
	if (cp.sshd_opts.n) {
		/* sshd -o Keyword=value: the same grammar as a file line, read before sshd_config */
		struct parse_state cl = {.c = c, .fs = NULL, .fixed_line = cp.sshd_opts_line};
		struct strbuf text = {0};
		size_t first = c->nopts;
		for (size_t i = 0; i < cp.sshd_opts.n; i++)
			strbuf_printf(&text, "%s\n", cp.sshd_opts.v[i]);
		parse_text(&cl, cp.sshd_opts_file, text.buf, true, NULL);
		for (size_t i = first; i < c->nopts; i++)
			c->opts[i].from_cmdline = true;
		strbuf_free(&text);
	}
	cryptopol_free(&cp);
	parse_file(&ps, c->main, true, NULL);
	sshcfg_finish(c);
	return 0;
}

size_t sshcfg_apply_dump(struct sshcfg *c, const char *dump)
{
	_cleanup_free_ char *copy = xstrdup(dump);
	char *save = NULL;
	size_t changed = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		const char *kw = line;
		const char *val = sp + 1;
		/* sshd -T prints the old spelling; the file parser folds it */
		if (streq(kw, "permitrootlogin") && streq(val, "without-password"))
			val = "prohibit-password";
		if (keyword_flags(kw) & KW_MULTI)
			continue; /* printed one per line; the file's list is kept */
		for (size_t i = 0; i < c->nopts; i++) {
			struct sshcfg_opt *o = &c->opts[i];
			if (!streq(o->kw, kw))
				continue;
			/* `sshd -T` runs without the service's command line: it cannot see those */
			if (!o->from_cmdline && strcasecmp(o->value, val) != 0) {
				free(o->value);
				o->value = xstrdup(val);
				o->from_sshd_t = true;
				changed++;
			}
			break;
		}
	}
	return changed;
}

int sshcfg_parse_time(const char *s, long *seconds)
{
	long total = 0;

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		char *end;
		long v, mult = 1;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno)
			return -EINVAL;
		switch (*end) {
		case '\0': break;
		case 's': case 'S': end++; break;
		case 'm': case 'M': mult = 60; end++; break;
		case 'h': case 'H': mult = 3600; end++; break;
		case 'd': case 'D': mult = 86400; end++; break;
		case 'w': case 'W': mult = 604800; end++; break;
		default: return -EINVAL;
		}
		if (v > (1L << 40) / mult)
			return -EINVAL;
		total += v * mult;
		s = end;
	}
	*seconds = total;
	return 0;
}

static void opts_free(struct sshcfg_opt *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kw);
		free(v[i].value);
		free(v[i].file);
		free(v[i].match);
	}
	free(v);
}

void sshcfg_free(struct sshcfg *c)
{
	opts_free(c->opts, c->nopts);
	opts_free(c->scoped, c->nscoped);
	for (size_t i = 0; i < c->ndiags; i++) {
		free(c->diags[i].file);
		free(c->diags[i].msg);
	}
	free(c->diags);
	free(c->version_source);
	free(c->io_path);
	free(c->crypto_policy);
	strv_free(&c->files);
	*c = (struct sshcfg){0};
}
