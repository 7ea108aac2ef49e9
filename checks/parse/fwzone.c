/* SPDX-License-Identifier: Apache-2.0 */
/* firewalld zones: see fwzone.h. */
#include "fwzone.h"

#include "imgfile.h"

#include <errno.h>
#include <expat.h>
#include <string.h>

#define FWZONE_MAX_FILE (1 << 20)
#define FWZONE_MAX_DEPTH 32
#define FWZONE_MAX_OPEN 1000

/* firewalld's stock zones and their targets when no XML says otherwise (firewalld 1.x, 2.x) */
static const struct {
	const char *name, *target;
} stock[] = {
	{"block", "%%REJECT%%"}, {"dmz", "default"},     {"drop", "DROP"},      {"external", "default"},
	{"home", "default"},     {"internal", "default"}, {"nm-shared", "ACCEPT"}, {"public", "default"},
	{"trusted", "ACCEPT"},   {"work", "default"},
};

struct zparse {
	XML_Parser p;
	struct fwzone *z;
	unsigned depth;
	bool in_rule, rule_accepts, rule_narrowed;
	unsigned rule_line;
	char *rule_ports;
	bool failed;
};

static void fail(struct zparse *zp, const char *why)
{
	if (zp->failed)
		return;
	zp->failed = true;
	zp->z->error = xasprintf("line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(zp->p), why);
	XML_StopParser(zp->p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i] && atts[i + 1]; i += 2)
		if (streq(atts[i], name))
			return atts[i + 1];
	return NULL;
}

static bool all_ports(const char *port)
{
	return port && (streq(port, "1-65535") || streq(port, "0-65535"));
}

static void add_open(struct zparse *zp, unsigned line, char *what)
{
	struct fwzone *z = zp->z;

	if (z->nopen >= FWZONE_MAX_OPEN) {
		free(what);
		return;
	}
	z->open = xreallocarray(z->open, z->nopen + 1, sizeof *z->open);
	z->open[z->nopen++] = (struct fwzone_open){.line = line, .what = what};
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct zparse *zp = ud;
	unsigned line = (unsigned)XML_GetCurrentLineNumber(zp->p);

	if (++zp->depth > FWZONE_MAX_DEPTH) {
		fail(zp, "elements nested too deeply");
		return;
	}
	if (zp->depth == 1) {
		if (!streq(name, "zone")) {
			fail(zp, "the root element is not <zone>");
			return;
		}
		const char *t = attr(atts, "target");
		free(zp->z->target);
		zp->z->target = xstrdup(t ? t : "default");
		zp->z->target_line = line;
		return;
	}
	if (streq(name, "rule") && zp->depth == 2) {
		zp->in_rule = true;
		zp->rule_accepts = zp->rule_narrowed = false;
		zp->rule_line = line;
		free(zp->rule_ports);
		zp->rule_ports = NULL;
		return;
	}
	if (streq(name, "port") && zp->depth == 2) {
		const char *port = attr(atts, "port"), *proto = attr(atts, "protocol");
		if (all_ports(port))
			add_open(zp, line, xasprintf("port %s/%s", port, proto ? proto : "?"));
		return;
	}
	if (!zp->in_rule || zp->depth != 3)
		return;
	if (streq(name, "accept"))
		zp->rule_accepts = true;
	else if (streq(name, "port") && all_ports(attr(atts, "port"))) {
		free(zp->rule_ports); /* a rule has one port; a second is firewalld's error, not a leak */
		zp->rule_ports = xasprintf("port %s/%s ", attr(atts, "port"), attr(atts, "protocol") ? attr(atts, "protocol") : "?");
	} else if (streq(name, "source") || streq(name, "destination") || streq(name, "service") || streq(name, "port") ||
		 streq(name, "protocol") || streq(name, "icmp-block") || streq(name, "icmp-type") ||
		 streq(name, "forward-port") || streq(name, "source-port"))
		zp->rule_narrowed = true;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct zparse *zp = ud;

	if (zp->in_rule && zp->depth == 2 && streq(name, "rule")) {
		if (zp->rule_accepts && !zp->rule_narrowed)
			add_open(zp, zp->rule_line, xasprintf("rule %saccept", zp->rule_ports ? zp->rule_ports : ""));
		zp->in_rule = false;
	}
	zp->depth--;
}

/* A zone file has no business declaring a DTD or entities: refused before any expansion. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	fail(ud, "a DOCTYPE declaration (refused: zone files have none)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int len,
			      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	fail(ud, "an entity declaration (refused)");
}

int fwzone_parse(struct fwzone *z, const char *name, const char *path, const char *xml, size_t len)
{
	struct zparse zp = {.z = z};

	*z = (struct fwzone){.name = xstrdup(name), .path = path ? xstrdup(path) : NULL};
	if (len > INT32_MAX) {
		z->error = xstrdup("file too large");
		return -EBADMSG;
	}
	zp.p = XML_ParserCreate(NULL);
	if (!zp.p)
		abort();
	XML_SetUserData(zp.p, &zp);
	XML_SetElementHandler(zp.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(zp.p, on_doctype);
	XML_SetEntityDeclHandler(zp.p, on_entity);
	if (XML_Parse(zp.p, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && !zp.failed) {
		z->error = xasprintf("line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(zp.p),
				     XML_ErrorString(XML_GetErrorCode(zp.p)));
		zp.failed = true;
	}
	if (!zp.failed && !z->target) {
		z->error = xstrdup("line 1: no <zone> element");
		zp.failed = true;
	}
	XML_ParserFree(zp.p);
	free(zp.rule_ports);
	return zp.failed ? -EBADMSG : 0;
}

int fwzone_default(const struct safefs *fs, char **zone, unsigned *line)
{
	_cleanup_free_ char *text = NULL;
	int r = imgfile_read(fs, FWZONE_CONF, FWZONE_MAX_FILE, &text, NULL);
	unsigned lineno = 0;

	*zone = NULL;
	*line = 0;
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	for (char *cur = text, *l; cur && (l = imgfile_next_line(&cur));) {
		lineno++;
		l = imgfile_strip(l);
		if (!startswith(l, "DefaultZone="))
			continue;
		free(*zone);
		*zone = xstrdup(imgfile_strip(l + strlen("DefaultZone=")));
		*line = lineno;
	}
	if (!*zone || !**zone) {
		free(*zone);
		*zone = xstrdup("public");
		*line = 0;
	}
	return 0;
}

int fwzone_load(const struct safefs *fs, const char *name, struct fwzone *z)
{
	static const char *const dirs[] = {FWZONE_ETC, FWZONE_USR};

	*z = (struct fwzone){0};
	if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s.xml", dirs[i], name), *xml = NULL;
		size_t len = 0;
		int r = imgfile_read(fs, path, FWZONE_MAX_FILE, &xml, &len);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return r;
		fwzone_parse(z, name, path, xml, len);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(stock); i++)
		if (streq(stock[i].name, name)) {
			*z = (struct fwzone){.name = xstrdup(name), .target = xstrdup(stock[i].target)};
			return 0;
		}
	return -ENOENT;
}

bool fwzone_accepts_all(const struct fwzone *z)
{
	return z->target && streq(z->target, "ACCEPT");
}

void fwzone_free(struct fwzone *z)
{
	for (size_t i = 0; i < z->nopen; i++)
		free(z->open[i].what);
	free(z->open);
	free(z->name), free(z->path), free(z->target), free(z->error);
	*z = (struct fwzone){0};
}
