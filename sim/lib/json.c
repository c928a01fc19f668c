/*
 * lib/json.c - a small strict JSON reader (RFC 8259): the whole document
 * into a tree (see json.h).
 *
 * Why not libjansson or json-c: neither keeps where a value stood in the
 * file, and stasim's messages name the line of the value at fault
 * ("report.json:6: ops[1].energy_pj: missing"); their parse errors are
 * worded differently too, and docs/analysis.md and the tests hold these
 * messages byte for byte. The reader is bounded instead: nesting depth at
 * most JSON_DEPTH, numbers at most 63 characters.
 *
 * Invariant: a returned tree owns every string and array it points to;
 * json_free releases all of it, also after a failed parse.
 */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "slurp.h"

struct jrd {
	const char *p, *end;	/* unread input */
	int line;		/* line of *p */
	int depth;		/* current nesting, at most JSON_DEPTH */
	const char *path;	/* file, for errors */
	struct sim_err *err;	/* filled on the first error */
};

void json_free(struct json_val *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		json_free(&v->kid[i]);
		if (v->key)
			free(v->key[i]);
	}
	free(v->kid);
	free(v->key);
	free(v->str);
	memset(v, 0, sizeof *v);
}

static int jerr(struct jrd *r, const char *what)
{
	if (r->p == r->end)
		return err_set(r->err, r->path, r->line, "", "%s, found the end "
			       "of the file", what);
	if ((unsigned char)*r->p < 0x20 || (unsigned char)*r->p >= 0x7f)
		return err_set(r->err, r->path, r->line, "", "%s, found byte "
			       "0x%02x", what, (unsigned char)*r->p);
	return err_set(r->err, r->path, r->line, "", "%s, found '%c'", what,
		       *r->p);
}

static void jws(struct jrd *r)
{
	for (; r->p < r->end; r->p++) {
		if (*r->p == '\n')
			r->line++;
		else if (*r->p != ' ' && *r->p != '\t' && *r->p != '\r')
			return;
	}
}

static void utf8_put(struct buf *b, unsigned long u)
{
	if (u < 0x80) {
		buf_put(b, (char)u);
	} else if (u < 0x800) {
		buf_put(b, (char)(0xc0 | u >> 6));
		buf_put(b, (char)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		buf_put(b, (char)(0xe0 | u >> 12));
		buf_put(b, (char)(0x80 | (u >> 6 & 0x3f)));
		buf_put(b, (char)(0x80 | (u & 0x3f)));
	} else {
		buf_put(b, (char)(0xf0 | u >> 18));
		buf_put(b, (char)(0x80 | (u >> 12 & 0x3f)));
		buf_put(b, (char)(0x80 | (u >> 6 & 0x3f)));
		buf_put(b, (char)(0x80 | (u & 0x3f)));
	}
}

static int hex4(struct jrd *r, unsigned long *u)
{
	int i;

	*u = 0;
	for (i = 0; i < 4; i++, r->p++) {
		char ch = r->p < r->end ? *r->p : 0;

		if (ch >= '0' && ch <= '9')
			*u = *u * 16 + (unsigned long)(ch - '0');
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			*u = *u * 16 + (unsigned long)((ch | 0x20) - 'a' + 10);
		else
			return jerr(r, "expected four hex digits after \\u");
	}
	return 0;
}

/* A string at r->p (on its opening quote) into *out. */
static int jstring(struct jrd *r, char **out)
{
	static const char esc[] = "\"\\/bfnrt", val[] = "\"\\/\b\f\n\r\t";
	struct buf b = { 0 };
	unsigned long u, lo;
	const char *e;

	for (r->p++;; r->p++) {
		if (r->p == r->end || (unsigned char)*r->p < 0x20) {
			free(b.s);
			return jerr(r, "string not closed before the end of "
				    "its line");
		}
		if (*r->p == '"')
			break;
		if (*r->p != '\\') {
			buf_put(&b, *r->p);
			continue;
		}
		r->p++;
		if (r->p < r->end && *r->p == 'u') {
			r->p++;
			if (hex4(r, &u))
				goto bad;
			if (u >= 0xd800 && u < 0xdc00 && r->end - r->p >= 6 &&
			    r->p[0] == '\\' && r->p[1] == 'u') {
				r->p += 2;
				if (hex4(r, &lo))
					goto bad;
				u = lo >= 0xdc00 && lo < 0xe000 ?
					0x10000 + ((u - 0xd800) << 10) +
					(lo - 0xdc00) : 0xfffd;
			} else if (u >= 0xd800 && u < 0xe000) {
				u = 0xfffd;
			}
			utf8_put(&b, u);
			r->p--;
			continue;
		}
		if (r->p == r->end || !*r->p || !(e = strchr(esc, *r->p))) {
			jerr(r, "unknown escape in a string");
			goto bad;
		}
		buf_put(&b, val[e - esc]);
	}
	r->p++;
	buf_put(&b, 0);
	*out = b.s;
	return 0;
bad:
	free(b.s);
	return -1;
}

static int jnumber(struct jrd *r, double *v)
{
	const char *s = r->p;
	char buf[64];

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	else
		return jerr(r, "expected a digit");
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p == r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "expected a digit after '.'");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p == r->end || *r->p < '0' || *r->p > '9')
			return jerr(r, "expected a digit in the exponent");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if ((size_t)(r->p - s) >= sizeof buf)
		return err_set(r->err, r->path, r->line, "", "number too long");
	memcpy(buf, s, (size_t)(r->p - s));
	buf[r->p - s] = 0;
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return err_set(r->err, r->path, r->line, "", "number '%s' out "
			       "of range", buf);
	return 0;
}

static int jvalue(struct jrd *r, struct json_val *v);

/* The members of an object or the elements of an array (r->p on [ or {). */
static int jcompound(struct jrd *r, struct json_val *v)
{
	int obj = *r->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;

	if (++r->depth > JSON_DEPTH)
		return err_set(r->err, r->path, r->line, "", "nested deeper "
			       "than %d levels", JSON_DEPTH);
	v->t = obj ? JSON_OBJ : JSON_ARR;
	r->p++;
	jws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 8;
			v->kid = buf_grow(v->kid, cap * sizeof *v->kid);
			if (obj)
				v->key = buf_grow(v->key, cap * sizeof *v->key);
		}
		memset(&v->kid[v->n], 0, sizeof v->kid[0]);
		if (obj) {
			jws(r);
			if (r->p == r->end || *r->p != '"')
				return jerr(r, "expected a member name in "
					    "double quotes");
			if (jstring(r, &v->key[v->n]))
				return -1;
			jws(r);
			if (r->p == r->end || *r->p != ':') {
				free(v->key[v->n]);
				return jerr(r, "expected ':' after a member "
					    "name");
			}
			r->p++;
		}
		v->n++;
		if (jvalue(r, &v->kid[v->n - 1]))
			return -1;
		jws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return 0;
		}
		return jerr(r, obj ? "expected ',' or '}' after a member" :
			    "expected ',' or ']' after an element");
	}
}

static int jvalue(struct jrd *r, struct json_val *v)
{
	static const char *const lit[] = { "null", "true", "false" };
	size_t i, n;

	jws(r);
	v->line = r->line;
	if (r->p == r->end)
		return jerr(r, "expected a value");
	if (*r->p == '{' || *r->p == '[')
		return jcompound(r, v);
	if (*r->p == '"') {
		v->t = JSON_STR;
		return jstring(r, &v->str);
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
		v->t = JSON_NUM;
		return jnumber(r, &v->num);
	}
	for (i = 0; i < 3; i++) {
		n = strlen(lit[i]);
		if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, lit[i], n)) {
			r->p += n;
			v->t = i ? JSON_BOOL : JSON_NULL;
			v->num = i == 1;
			return 0;
		}
	}
	return jerr(r, "expected a value");
}

/* Parse file path into root. Returns 0, or -1 with err (file, line). */
int json_load(const char *path, struct json_val *root, struct sim_err *err)
{
	struct jrd r = { .line = 1, .path = path, .err = err };
	char *buf;
	size_t len;
	int rc;

	memset(root, 0, sizeof *root);
	if (!(buf = slurp_or_err(path, (struct slurp_caps){ JSON_MAX_BYTES, 0, 0 },
				 &len, err)))
		return -1;
	r.p = buf;
	r.end = buf + len;
	rc = jvalue(&r, root);
	if (!rc) {
		jws(&r);
		if (r.p != r.end)
			rc = jerr(&r, "expected the end of the file after the "
				  "JSON value");
	}
	free(buf);
	if (rc)
		json_free(root);
	return rc;
}

const struct json_val *json_get(const struct json_val *o, const char *key)
{
	size_t i;

	for (i = 0; o && o->t == JSON_OBJ && i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return &o->kid[i];
	return NULL;
}

double json_num_or(const struct json_val *o, const char *key, double dflt)
{
	const struct json_val *v = json_get(o, key);

	return v && (v->t == JSON_NUM || v->t == JSON_BOOL) ? v->num : dflt;
}

/*
 * Member key of object o, of type t; NULL with err naming field (and the
 * object's line when missing, the value's line when of the wrong type).
 */
const struct json_val *json_need(const char *path, const struct json_val *o,
				const char *key, enum json_type t,
				const char *field, struct sim_err *err)
{
	static const char *const names[] = { "null", "a boolean", "a number",
		"a string", "an array", "an object" };
	const struct json_val *v = json_get(o, key);

	if (!v)
		err_set(err, path, o->line, field, "missing");
	else if (v->t != t)
		err_set(err, path, v->line, field, "is %s, not %s",
			names[v->t], names[t]);
	return v && v->t == t ? v : NULL;
}

