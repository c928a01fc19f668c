/*
 * report.h - the latency / energy report in txt, csv, json and md.
 *
 * Field names and units are the contract of docs/report.md; every number is
 * derived from a struct run_result, nothing is measured here. Invariant: the
 * same result gives the same bytes (no time stamps, no host facts).
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "area.h"
#include "config.h"
#include "run.h"
#include "trace.h"

enum report_format { REPORT_TXT, REPORT_CSV, REPORT_JSON, REPORT_MD,
		     REPORT_HTML };

struct report {
	const struct config *cfg;
	const struct trace *t;
	const struct run_result *r;
	int functional;		/* mode */
	uint64_t seed;
	const struct area_report *area;	/* the config's area, or NULL:
					 * no "area" object or line */
};

/* Parse "txt" | "csv" | "json" | "md" | "html"; returns 0 or -1. */
int report_parse_format(const char *s, enum report_format *f);
void report_write(const struct report *rep, enum report_format f, FILE *out);
/*
 * Write report.json, report.csv and report.md into dir (created if missing),
 * each through a temporary file renamed into place. Returns 0 or -1 with err.
 */
int report_write_dir(const struct report *rep, const char *dir,
		     struct sim_err *err);

/* The report as one self-contained HTML page (report_html.c). */
void report_html(const struct report *rep, FILE *f);

#endif
