/*
 * lib/ini.c - the one INI reader (see ini.h): physical lines counted and
 * capped, [section] headers checked against the caller's sections, and
 * libinih r55's line syntax (ini.c of benhoyt/inih, Debian's build:
 * multi-line values, BOM, ';' and '#' comments, inline " ;" comments) for
 * sections, key = value pairs and continuation lines.
 *
 * It replaces inih run through a counting reader, which config.c and
 * sweep_spec.c each wrote: inih (built without INI_HANDLER_LINENO) could
 * not say which line a key was on, and would split a long line in two.
 *
 * Errors are inih's and ours. A syntax error (inih's) is noted and
 * reading goes on, as inih goes on; an error of ours (ini_fail: a long
 * line, an unknown section, a caller's check) ends the reading. The one
 * reported is the one on the earlier line, ours on a tie; ours may name an
 * earlier line than the one being read (a key's unknown section is blamed
 * on its header), so a later error can still win over a noted syntax error.
 *
 * Invariant: a callback is made only while no error of ours is recorded,
 * for a line no longer than INI_LINE_BYTES - 1 bytes with its newline.
 */
#include "ini.h"
#include "slurp.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define HEADER_BYTES 64		/* a header name checked against the sections */
#define LIST_BYTES 256		/* "a, b, c": the known sections, in messages */

int ini_fail(struct ini *p, int line, const char *field, const char *fmt, ...)
{
	char msg[sizeof p->err->msg];
	va_list ap;

	if (p->err_line >= 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(p->err, p->file, line, field, "%s", msg);
	p->err_line = line;
	return 0;
}

/* s without trailing white space (isspace), in place. */
static char *rstrip(char *s)
{
	char *e = s + strlen(s);

	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static char *lskip(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

/* First of chars in s, or an inline comment (';' after white space), or
 * the end of s. */
static char *find_stop(char *s, const char *chars)
{
	int was_space = 0;

	while (*s && (!chars || !strchr(chars, *s)) && !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/* Copy at most size - 1 bytes of src, always terminated. */
static void copy0(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i < size - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static int known(const struct ini *p, const char *sect)
{
	const char *const *s;

	for (s = p->ops->sects; *s; s++)
		if (!strcmp(*s, sect))
			return 1;
	return 0;
}

/* The known sections as "a, b, c". */
static void sect_list(const struct ini *p, char *buf, size_t n)
{
	const char *const *s;
	size_t len = 0;

	buf[0] = '\0';
	for (s = p->ops->sects; *s && len < n; s++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					len ? ", " : "", *s);
}

/* inih's rule: a syntax error is noted and reading goes on (ini_parse). */
static int syntax_error(struct ini *p)
{
	if (!p->syntax_line)
		p->syntax_line = p->line;
	return 0;
}

/* A header names a known section, even when no key follows it. */
static void check_header(struct ini *p, const char *name)
{
	const char *end = strchr(name, ']');
	char sect[HEADER_BYTES], list[LIST_BYTES];
	int whole = end && (size_t)(end - name) < sizeof sect;

	p->sect_line = p->line;
	if (whole) {
		memcpy(sect, name, (size_t)(end - name));
		sect[end - name] = '\0';
	}
	if (p->ops->header)
		p->ops->header(p, whole ? sect : NULL);
	if (!whole || known(p, sect))
		return;
	sect_list(p, list, sizeof list);
	ini_fail(p, p->line, sect, "unknown section [%s] (known sections: %s)",
		 sect, list);
}

/* What the callers' own line readers noted: indentation and headers. */
static void note_line(struct ini *p, const char *s)
{
	const char *t = s + strspn(s, " \t");

	p->indented = t != s;
	if ((p->ops->flags & INI_CR_UNINDENTS) &&
	    (*t == '\0' || *t == '\n' || *t == '\r'))
		p->indented = 0;
	if (*t == '[')
		check_header(p, t + 1);
}

/* Checks every key line passes before the caller sees it. */
static int pair(struct ini *p, const char *name, const char *val)
{
	char list[LIST_BYTES];

	if (!*p->sect)
		return ini_fail(p, p->line, name,
				"key '%s' comes before any [section]", name);
	if (!known(p, p->sect) && (p->ops->flags & INI_BARE_SECTION))
		return ini_fail(p, p->sect_line, p->sect,
				"unknown section [%s]", p->sect);
	if (!known(p, p->sect)) {
		sect_list(p, list, sizeof list);
		return ini_fail(p, p->sect_line, p->sect,
				"unknown section [%s] (known sections: %s)",
				p->sect, list);
	}
	if (!*name)
		return ini_fail(p, p->line, p->sect,
				"line has no key name before '='");
	if (!p->ops->pair(p, p->sect, name, val) && p->err_line < 0)
		return syntax_error(p);
	return 1;
}

/* "[name]" (start at '['): the section later keys fall in. */
static void section(struct ini *p, char *start)
{
	char *end = find_stop(start + 1, "]"), *rest;

	if (*end != ']') {
		syntax_error(p);
		return;
	}
	*end = '\0';
	copy0(p->sect, start + 1, sizeof p->sect);
	p->prev[0] = '\0';
	/* only a comment may follow: a key there would be lost */
	rest = lskip(end + 1);
	if (*rest && !strchr(";#", *rest))
		ini_fail(p, p->line, p->sect, "text after the section header "
			 "[%s]: '%s' (a key goes on a line of its own)",
			 p->sect, rest);
}

/* "name = value" or "name: value" (start at its first non-blank). */
static void key_value(struct ini *p, char *start)
{
	char *end = find_stop(start, "=:"), *name, *val;

	if (*end != '=' && *end != ':') {
		syntax_error(p);
		return;
	}
	*end = '\0';
	name = rstrip(start);
	val = end + 1;
	*find_stop(val, NULL) = '\0';
	val = rstrip(lskip(val));
	copy0(p->prev, name, sizeof p->prev);
	pair(p, name, val);
}

/* One physical line, as inih r55 reads it; line is the buffer's start. */
static void parse_line(struct ini *p, char *line, char *s)
{
	char *start = lskip(rstrip(s));

	if (strchr(";#", *start))
		return;		/* comment or blank ('\0' is in the set) */
	if (*p->prev && start > line)
		pair(p, p->prev, start);	/* continuation, handed whole */
	else if (*start == '[')
		section(p, start);
	else
		key_value(p, start);
}

static int at_eof(FILE *f)
{
	int c = getc(f);

	if (c == EOF)
		return 1;
	ungetc(c, f);
	return 0;
}

/* Next physical line into buf; 0 at the end or after an error. */
static int next_line(struct ini *p, char *buf, int num)
{
	int c = 0, len = 0;

	/* byte by byte: a NUL inside a line must not cut it silently */
	while (len < num - 1 && (c = getc(p->f)) != EOF) {
		if (c == '\0')
			return ini_fail(p, p->line + 1, "", "NUL byte in line");
		buf[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!len) {
		if (ferror(p->f))
			ini_fail(p, 0, "", "cannot read: %s", strerror(errno));
		return 0;
	}
	buf[len] = '\0';
	p->line++;
	if ((p->bytes += len) > INI_FILE_BYTES)	/* an endless pipe */
		return ini_fail(p, 0, "", "larger than %ld MiB",
				INI_FILE_BYTES >> 20);
	if (len == num - 1 && buf[len - 1] != '\n' && !at_eof(p->f))
		return ini_fail(p, p->line, "", "line longer than %d characters",
				num - 3);
	return 1;
}

int ini_parse(FILE *f, const char *file, const struct ini_ops *ops,
	      void *user, struct sim_err *err)
{
	struct ini p = {
		.f = f, .file = file, .ops = ops, .user = user, .err = err,
		.err_line = -1,
	};
	char buf[INI_LINE_BYTES], *s;

	while (p.err_line < 0 && next_line(&p, buf, sizeof buf)) {
		s = buf;
		if (p.line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
			s += 3;		/* a UTF-8 byte order mark */
		note_line(&p, s);
		if (p.err_line < 0)
			parse_line(&p, buf, s);
	}
	if (p.syntax_line && (p.err_line < 0 || p.syntax_line < p.err_line))
		return err_set(err, file, p.syntax_line, "",
			       "syntax error (expected [section], key = value or a ; comment)");
	return p.err_line >= 0 ? -1 : 0;
}

int ini_load(const char *file, const struct ini_ops *ops, void *user,
	     struct sim_err *err)
{
	FILE *f;
	int rc;

	if (input_is_file(file, err))
		return -1;
	f = fopen(file, "r");
	if (!f)
		return err_set(err, file, 0, "", "cannot open: %s", strerror(errno));
	rc = ini_parse(f, file, ops, user, err);
	fclose(f);
	return rc;
}
