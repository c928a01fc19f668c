/*
 * err.c - filling and formatting struct sim_err (see err.h).
 *
 * Messages quote their input, and an input may be binary (/dev/urandom as
 * a config): err_format writes every byte that is neither printable ASCII
 * nor part of a printable UTF-8 character (C1 controls excluded) as \xNN and cuts a word after its 8th such byte,
 * so a line on a terminal never carries raw control bytes or long junk.
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

#define ESCAPES_PER_WORD 8	/* \xNN escapes shown in one word, then "..." */

/* Bytes of the valid UTF-8 sequence of two or more bytes at s, else 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (*s >= 0xc2 && *s <= 0xdf)
		n = 2;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 3;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 4;
	else
		return 0;
	if ((*s == 0xc2 && s[1] < 0xa0) || (*s == 0xe0 && s[1] < 0xa0) ||
	    (*s == 0xed && s[1] >= 0xa0) || (*s == 0xf0 && s[1] < 0x90) ||
	    (*s == 0xf4 && s[1] >= 0x90))
		return 0;	/* a C1 control (a terminal acts on it), overlong,
				 * a surrogate, above U+10FFFF */
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Where a word ends: a blank, a quote or a bracket closes an excerpt. */
static int word_end(unsigned char c)
{
	return c == ' ' || c == '\'' || c == ']' || c == ')';
}

/* src into out[0..len) escaped as the file's opening says; NUL-terminated. */
static void clean(const char *src, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, u;
	int esc = 0;

	for (; *s && o + 8 < len; s++) {
		if (word_end(*s))
			esc = 0;
		if (esc > ESCAPES_PER_WORD)
			continue;	/* the rest of a cut word */
		if ((u = utf8_len(s))) {
			memcpy(out + o, s, u);
			o += u;
			s += u - 1;
		} else if (*s >= 0x20 && *s < 0x7f) {
			out[o++] = (char)*s;
		} else if (++esc > ESCAPES_PER_WORD) {
			memcpy(out + o, "...", 3);
			o += 3;
		} else {
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", *s);
		}
	}
	out[o] = '\0';
}

void err_format(const struct sim_err *err, char *buf, unsigned long len)
{
	char file[4 * sizeof err->file], field[4 * sizeof err->field],
	     msg[4 * sizeof err->msg], where[sizeof file + 16];

	clean(err->file, file, sizeof file);
	clean(err->field, field, sizeof field);
	clean(err->msg, msg, sizeof msg);
	if (err->line > 0)
		snprintf(where, sizeof where, "%s:%d", file, err->line);
	else
		snprintf(where, sizeof where, "%s", file);
	if (field[0])
		snprintf(buf, len, "%s: %s: %s", where, field, msg);
	else
		snprintf(buf, len, "%s: %s", where, msg);
}

int err_print(const char *prog, const struct sim_err *err, int status)
{
	char buf[4096];

	err_format(err, buf, sizeof buf);
	fprintf(stderr, "%s: %s\n", prog, buf);
	return status;
}
