/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the report writers fed hostile strings (file names, evidence, messages from an image):
 * the JSON must stay valid and round-trip, the text must carry no terminal control sequence. */
#include "fuzz.h"
#include "registry.h"
#include "report.h"

#define NFIELDS 8

static const struct cg_check fuzz_check = {
	.id = "fuzz.report", .title = "fuzzed strings", .severity = CG_SEV_HIGH, .modes = CG_ANYWHERE,
	.refs = CG_REFS("fuzz"),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

/* True when S would decode as valid UTF-8 (Jansson's rule), so it must come back unchanged. */
static bool valid_utf8(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

/* No C0 control but newline, no DEL, no C1 control in either its raw or its UTF-8 form. */
static void assert_text_inert(const char *t, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		FUZZ_ASSERT(c >= 0x20 || c == '\n');
		FUZZ_ASSERT(c != 0x7f);
		FUZZ_ASSERT(!(c == 0xc2 && i + 1 < len && (unsigned char)t[i + 1] >= 0x80 &&
			      (unsigned char)t[i + 1] <= 0x9f));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = xmalloc(size + 1);
	const char *f[NFIELDS] = {0};
	struct cg_report rep = {0};
	struct cg_result *r;
	char *out = NULL;
	size_t outlen = 0, nf = 0;
	FILE *mem;

	/* fields are separated by NUL bytes: root, path, rule, evidence, message, error path,
	 * error message, skip reason */
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i <= size && nf < NFIELDS; i++)
		if (i == 0 || text[i - 1] == '\0')
			f[nf++] = &text[i];

	rep.root = xstrdup(f[0] ? f[0] : "/");
	rep.mode = "offline";
	rep.profile = xstrdup("baseline");
	rep.fail_on = CG_SEV_MEDIUM;
	rep.results = xcalloc(1, sizeof *rep.results);
	rep.n = 1;
	r = &rep.results[0];
	result_init(r, &fuzz_check, CG_SEV_HIGH);
	if (f[1])
		result_add_finding(r, f[1], 7, f[2], f[3], "%s", f[4] ? f[4] : "");
	if (f[5])
		result_add_error(r, f[5], -EIO, "%s", f[6] ? f[6] : "");
	if (f[7])
		result_skip(r, "%s", f[7]);
	result_finish(r, 0);
	scan_settle_verdict(&rep);

	/* JSON: parses back, and every valid UTF-8 string comes back byte for byte */
	mem = open_memstream(&out, &outlen);
	FUZZ_ASSERT(mem && report_write(&rep, REPORT_JSON, mem, false) == 0);
	fclose(mem);
	json_error_t jerr;
	json_t *doc = json_loadb(out, outlen, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "report is not JSON: %s at %d:%d\n", jerr.text, jerr.line, jerr.column);
		abort();
	}
	json_t *finding = json_array_get(json_object_get(json_array_get(json_object_get(doc, "checks"), 0),
							 "findings"), 0);
	if (f[1]) {
		FUZZ_ASSERT(finding);
		if (valid_utf8(f[1]))
			FUZZ_ASSERT(streq(json_string_value(json_object_get(finding, "path")), f[1]));
	}
	if (valid_utf8(rep.root))
		FUZZ_ASSERT(streq(json_string_value(json_object_get(doc, "root")), rep.root));
	json_decref(doc);
	free(out);

	/* text, with and without colour */
	for (int colour = 0; colour <= 1; colour++) {
		out = NULL;
		mem = open_memstream(&out, &outlen);
		FUZZ_ASSERT(mem && report_write(&rep, REPORT_TEXT, mem, colour) == 0);
		fclose(mem);
		if (!colour)
			assert_text_inert(out, outlen);
		free(out);
	}
	scan_report_free(&rep);
	return 0;
}
