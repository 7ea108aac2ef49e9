/* Report writers: text for people, JSON (capgate.report/v1) for pipelines. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "scan.h"

#define REPORT_SCHEMA "capgate.report/v1"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_FORMAT_COUNT };

/* -EINVAL for an unknown name. */
int report_format_from_string(const char *s, enum report_format *out);
/* The whole report as a JSON document (new reference). */
json_t *report_to_json(const struct cg_report *rep);
/* Write REP to OUT in FORMAT; COLOUR only matters for text. */
int report_write(const struct cg_report *rep, enum report_format format, FILE *out, bool colour);
/* Whether text output to FD should be coloured (a TTY, NO_COLOR unset). */
bool report_want_colour(int fd);
