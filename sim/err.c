/*
 * err.c - filling and formatting struct sim_err (see err.h).
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

int err_set(struct sim_err *err, const char *file, int line,
	    const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void err_format(const struct sim_err *err, char *buf, unsigned long len)
{
	char where[600];

	if (err->line > 0)
		snprintf(where, sizeof where, "%s:%d", err->file, err->line);
	else
		snprintf(where, sizeof where, "%s", err->file);
	if (err->field[0])
		snprintf(buf, len, "%s: %s: %s", where, err->field, err->msg);
	else
		snprintf(buf, len, "%s: %s", where, err->msg);
}

int err_print(const char *prog, const struct sim_err *err, int status)
{
	char buf[1400];

	err_format(err, buf, sizeof buf);
	fprintf(stderr, "%s: %s\n", prog, buf);
	return status;
}
