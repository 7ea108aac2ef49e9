/* SPDX-License-Identifier: Apache-2.0 */
/* Report writers: text for people, JSON (capgate.report/v1), SARIF 2.1.0 and JUnit XML for pipelines. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "scan.h"

#define REPORT_SCHEMA "capgate.report/v1"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_SARIF, REPORT_JUNIT, REPORT_FORMAT_COUNT };

/* -EINVAL for an unknown name. */
int report_format_from_string(const char *s, enum report_format *out);
const char *report_format_name(enum report_format f);
/* "text, json, sarif or junit", for messages and generated docs. */
const char *report_format_list(void);
/* The whole report as a JSON document (new reference). */
json_t *report_to_json(const struct cg_report *rep);
/* Read a capgate.report/v1 document (the daemon's /v1/report) back into REP, checks resolved in
 * this build's registry; -EINVAL with *ERR (malloc'd) when it is not one. Free with scan_report_free.
 * Bytes that were not UTF-8 come back as the text \xNN the document holds. */
int report_from_json(json_t *doc, struct cg_report *rep, char **err);
/* A JSON string of S; bytes that are not UTF-8 become \xNN (image paths may hold any bytes). */
json_t *report_json_bytes(const char *s);
/* SARIF 2.1.0: one rule per check run, one result per finding (report_sarif.c). */
json_t *report_sarif_json(const struct cg_report *rep);
int report_write_sarif(const struct cg_report *rep, FILE *out, bool colour);
/* JUnit XML: one testcase per check, failures list the findings (report_junit.c). */
int report_write_junit(const struct cg_report *rep, FILE *out, bool colour);
/* Write REP to OUT in FORMAT; COLOUR only matters for text. */
int report_write(const struct cg_report *rep, enum report_format format, FILE *out, bool colour);
/* Whether text output to FD should be coloured (a TTY, NO_COLOR unset). */
bool report_want_colour(int fd);
