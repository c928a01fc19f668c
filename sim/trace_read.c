/*
 * trace_read.c - reading a trace, format v1 or v2 (trace_read in trace.h,
 * docs/trace-format.md): plain or gzip through zlib, line by line, each op
 * line tokenized, its keys parsed and checked against the schema of the
 * header's version, the whole op checked, then appended with the tensors
 * it names (trace_push_io) unless its name is taken. A gzip file is also
 * checked member by member, so truncated or trailing data is an error.
 *
 * Invariant: an op is appended only after trace_op_check passed, its name
 * is new and its tensors fit the graph; on any error the trace is left
 * empty.
 */
#define _POSIX_C_SOURCE 200809L

#include "trace_schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/slurp.h"

#define SEP " \t\r\n"		/* token separators; \r tolerates CRLF files */

#define TRACE_FILE_BYTES ((z_off_t)16 << 20)	/* uncompressed; a trace is KiB */

struct reader {
	const char *path;	/* file as the user named it */
	gzFile f;		/* plain or gzip, zlib decides by content */
	int line;		/* number of the line last read, 1-based */
	uint32_t version;	/* the header's, 0 until it was seen */
	struct trace_names names;	/* names of t's ops, for duplicates */
	char in[TRACE_IN_MAX][TRACE_NAME_MAX];	/* this op's in= names */
	uint32_t n_in;		/* how many; 0: no in=, the implicit chain */
	char out[TRACE_NAME_MAX];	/* this op's out= name, "": none */
	struct trace *t;	/* trace being filled */
	struct sim_err *err;	/* where a failure is described */
};

/* "3.7,1.2": experts per token; the count per token is checked later. */
static int parse_list(struct reader *r, struct op *op, const char *val,
		      char *msg)
{
	uint16_t v[2048];
	size_t n = 0, group = 0, per = 0;
	const char *s = val;
	int64_t off;

	while (*s) {
		unsigned long x = 0;
		const char *d = s;

		while (*s >= '0' && *s <= '9' && x <= 65535)
			x = x * 10 + (unsigned long)(*s++ - '0');
		if (s == d || x > 65535 || n == sizeof v / sizeof v[0] ||
		    (*s && *s != '.' && *s != ',') || ((*s == '.' || *s == ',') &&
		    !s[1])) {
			snprintf(msg, TRACE_MSG_BYTES, "expected expert numbers joined "
				 "by '.' within a token and ',' between tokens");
			return -1;
		}
		v[n++] = (uint16_t)x;
		group++;
		if (*s != '.') {	/* a token ends: all list as many experts */
			if (per && group != per) {
				snprintf(msg, TRACE_MSG_BYTES, "every token must list "
					 "the same number of experts");
				return -1;
			}
			per = group;
			group = 0;
		}
		if (*s)
			s++;
	}
	op->assign_per = (uint32_t)per;
	off = trace_assign_add(r->t, v, n);
	if (off < 0) {
		snprintf(msg, TRACE_MSG_BYTES, "out of memory");
		return -1;
	}
	op->assign_off = (uint32_t)off;
	op->assign_len = (uint32_t)n;
	return 0;
}

/* "a,b": the tensors the op reads, exactly as many as the row says. */
static int parse_tensors(struct reader *r, const struct trace_key *k,
			 const char *val, char *msg)
{
	const char *s = val, *end;
	uint32_t n = 1, i;
	size_t len;

	for (end = val; *end; end++)
		n += *end == ',';
	if (n < k->min || n > k->max) {
		snprintf(msg, TRACE_MSG_BYTES, "%s reads %u tensor%s, in= names "
			 "%u", trace_kind_names[k->kind], k->min,
			 k->min == 1 ? "" : "s", n);
		return -1;
	}
	for (i = 0; i < n; i++, s = end + 1) {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (trace_tensor_name_check(s, len, msg))
			return -1;
		memcpy(r->in[i], s, len);
		r->in[i][len] = '\0';
		if (!end)
			break;
	}
	r->n_in = n;
	return 0;
}

/* The tensor the op writes. */
static int parse_tensor(struct reader *r, const char *val, char *msg)
{
	size_t len = strlen(val);

	if (trace_tensor_name_check(val, len, msg))
		return -1;
	memcpy(r->out, val, len + 1);
	return 0;
}

/* One key's value into op, or into r for the keys that name tensors. */
static int parse_value(struct reader *r, const struct trace_key *k,
		       struct op *op, const char *val, char *msg)
{
	switch (k->type) {
	case KEY_LIST:
		return parse_list(r, op, val, msg);
	case KEY_TENSORS:
		return parse_tensors(r, k, val, msg);
	case KEY_TENSOR:
		return parse_tensor(r, val, msg);
	default:
		return trace_key_parse(k, op, val, msg) ||
		       trace_key_check(k, op, msg);
	}
}

/* ------------------------------------------------------------------ */
/* Reader */

/* Next token of *s, NUL-terminated in place; NULL at the end. */
static char *tok_next(char **s)
{
	char *p = *s + strspn(*s, SEP);
	char *end;

	if (!*p) {
		*s = p;
		return NULL;
	}
	end = p + strcspn(p, SEP);
	*s = *end ? end + 1 : end;
	*end = '\0';
	return p;
}

/* err for "kind.key" on the current line. */
static int op_fail(struct reader *r, enum op_kind kind, const char *key,
		   int keylen, const char *msg)
{
	char field[sizeof r->err->field];

	/* "=3" has no key to name: blame the kind alone, not "gemm." */
	snprintf(field, sizeof field, "%s%s%.*s", trace_kind_names[kind],
		 keylen ? "." : "", keylen, key);
	return err_set(r->err, r->path, r->line, field, "%s", msg);
}

static int not_a_trace(struct reader *r, int line)
{
	return err_set(r->err, r->path, line, "", "not a stasim trace (first "
		       "line must be '" TRACE_MAGIC " 1' or '" TRACE_MAGIC
		       " 2')");
}

static int parse_header(struct reader *r, char *s)
{
	char *magic = tok_next(&s);
	char *ver = tok_next(&s);
	uint32_t v;
	char msg[TRACE_MSG_BYTES];

	if (magic && ver && !tok_next(&s) && !strcmp(magic, TRACE_MAGIC)) {
		if (!trace_parse_uint(ver, strlen(ver), &v, msg) && v >= 1 &&
		    v <= TRACE_VERSION_MAX) {
			r->version = v;
			return 0;
		}
		return err_set(r->err, r->path, r->line, "",
			       "unsupported trace version %.20s (this stasim "
			       "reads versions 1 and 2)", ver);
	}
	return not_a_trace(r, r->line);
}

static int parse_kind(struct reader *r, const char *word, enum op_kind *kind)
{
	char known[128];
	size_t used = 0;
	int i;

	for (i = 0; i < OP_KIND_COUNT; i++) {
		if (!strcmp(word, trace_kind_names[i])) {
			*kind = (enum op_kind)i;
			return 0;
		}
	}
	known[0] = '\0';
	for (i = 0; i < OP_KIND_COUNT && used < sizeof known; i++)
		used += (size_t)snprintf(known + used, sizeof known - used,
					 "%s%s", i ? ", " : "", trace_kind_names[i]);
	return err_set(r->err, r->path, r->line, word,
		       "unknown op kind '%.40s' (known: %s)", word, known);
}

/* One key=value token into op; *seen has one bit per schema row given. */
static int parse_pair(struct reader *r, struct op *op, char *tok,
		      uint64_t *seen)
{
	char *eq = strchr(tok, '=');
	int keylen = eq ? (int)(eq - tok) : (int)strlen(tok);
	const struct trace_key *k;
	uint64_t bit;
	char msg[TRACE_MSG_BYTES], keys[128];

	if (!eq)
		return op_fail(r, op->kind, tok, keylen,
			       "expected key=value");
	if (keylen == 0)
		return op_fail(r, op->kind, tok, keylen, "empty key");
	k = trace_key_find(op->kind, r->version, tok, (size_t)keylen);
	if (!k) {
		trace_key_list(op->kind, r->version, keys, sizeof keys);
		snprintf(msg, sizeof msg, "unknown key '%.*s' (%s takes: %s)",
			 keylen < 40 ? keylen : 40, tok,
			 trace_kind_names[op->kind], keys);
		return op_fail(r, op->kind, tok, keylen, msg);
	}
	bit = 1ull << (k - trace_schema);
	if (*seen & bit)
		return op_fail(r, op->kind, tok, keylen, "key given twice");
	*seen |= bit;
	if (!eq[1])
		return op_fail(r, op->kind, tok, keylen, "empty value");
	if (parse_value(r, k, op, eq + 1, msg))
		return op_fail(r, op->kind, tok, keylen, msg);
	return 0;
}

static int check_required(struct reader *r, const struct op *op,
			  uint64_t seen)
{
	size_t i;

	for (i = 0; i < TRACE_SCHEMA_ROWS; i++)
		if (trace_schema[i].kind == op->kind &&
		    (trace_schema[i].flags & KEY_REQ) && !(seen & (1ull << i)))
			return op_fail(r, op->kind, trace_schema[i].key,
				       (int)strlen(trace_schema[i].key),
				       "missing required key");
	return 0;
}

/* Append op and its tensors to the trace unless its name is taken. */
static int add_op(struct reader *r, const struct op *op)
{
	struct trace *t = r->t;
	const char *in[TRACE_IN_MAX];
	int64_t prev = trace_names_find(&r->names, t->ops, trace_op_name,
					op->name);
	size_t dup, j;
	char msg[TRACE_MSG_BYTES];

	for (j = 0; j < TRACE_IN_MAX; j++)
		in[j] = r->in[j];
	if (prev >= 0) {
		snprintf(msg, sizeof msg, "duplicate name '%s' (first used on "
			 "line %d)", op->name, t->ops[prev].line);
		return op_fail(r, op->kind, "name", 4, msg);
	}
	if (trace_push_io(t, op, in, r->n_in, r->out[0] ? r->out : NULL,
			  r->err))
		return -1;
	if (trace_names_add(&r->names, t->ops, trace_op_name, t->n_ops - 1,
			    &dup) < 0)
		return err_set(r->err, r->path, r->line, "", "out of memory");
	return 0;
}

static int parse_op(struct reader *r, char *s)
{
	char *tok = tok_next(&s);
	const char *key;
	struct op op;
	enum op_kind kind = OP_GEMM;	/* parse_kind sets it; gcc cannot tell */
	uint64_t seen = 0;
	char msg[TRACE_MSG_BYTES];

	if (parse_kind(r, tok, &kind))
		return -1;
	trace_op_default(kind, &op);
	op.line = r->line;
	r->n_in = 0;
	r->out[0] = '\0';
	while ((tok = tok_next(&s)))
		if (parse_pair(r, &op, tok, &seen))
			return -1;
	if (check_required(r, &op, seen))
		return -1;
	if (trace_op_check(r->t, &op, &key, msg))
		return op_fail(r, kind, key, (int)strlen(key), msg);
	return add_op(r, &op);
}

/* Characters of a model name: those of an op name. */
static int model_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < TRACE_NAME_MAX && strspn(s, "abcdefghijklmnopqrstu"
		"vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+/") == n;
}

/*
 * `meta model=NAME seq=N` (version 2): what the trace is, for results and
 * reports; it changes no timing. Once per trace.
 */
static int parse_meta(struct reader *r, char *s)
{
	struct trace *t = r->t;
	char *tok, msg[TRACE_MSG_BYTES];

	if (t->meta_line)
		return err_set(r->err, r->path, r->line, "meta", "given twice "
			       "(first on line %d)", t->meta_line);
	t->meta_line = r->line;
	while ((tok = tok_next(&s))) {
		char *eq = strchr(tok, '=');

		if (eq && !strncmp(tok, "model=", 6)) {
			if (t->model[0] || !model_name_ok(eq + 1))
				return err_set(r->err, r->path, r->line,
					       "meta.model", t->model[0] ?
					       "given twice" : "'%.40s' is not "
					       "a name of 1..63 letters, digits "
					       "and ._-+/", eq + 1);
			strcpy(t->model, eq + 1);
		} else if (eq && !strncmp(tok, "seq=", 4)) {
			if (t->seq || trace_parse_uint(eq + 1, strlen(eq + 1),
						       &t->seq, msg) ||
			    !t->seq)
				return err_set(r->err, r->path, r->line,
					       "meta.seq", t->seq ?
					       "given twice" : "'%.40s' is not a "
					       "positive integer", eq + 1);
		} else {
			return err_set(r->err, r->path, r->line, "meta",
				       "unknown key '%.40s' (meta takes: model, "
				       "seq)", tok);
		}
	}
	return 0;
}

/* One line without its comment: blank, the header, meta, or an op. */
static int parse_line(struct reader *r, char *s)
{
	char *hash = strchr(s, '#');

	if (hash)
		*hash = '\0';
	if (!s[strspn(s, SEP)])
		return 0;
	if (!r->version)
		return parse_header(r, s);
	if (!strncmp(s + strspn(s, SEP), "meta", 4) &&
	    strchr(SEP, s[strspn(s, SEP) + 4]))
		return r->version >= 2 ?
		       parse_meta(r, s + strspn(s, SEP) + 4) :
		       err_set(r->err, r->path, r->line, "meta", "a meta line "
			       "needs version 2 ('stasim-trace 2')");
	return parse_op(r, s);
}

/*
 * Read one line into buf (TRACE_LINE_BYTES + 2). Returns 1, 0 at the end, -1 on
 * a line too long or holding a NUL. gztell counts the bytes gzgets really
 * took, which strlen cannot when the line holds a NUL.
 */
static int read_line(struct reader *r, char *buf)
{
	z_off_t before = gztell(r->f);
	size_t n;

	if (!gzgets(r->f, buf, TRACE_LINE_BYTES + 2))
		return 0;
	n = (size_t)(gztell(r->f) - before);
	if (gztell(r->f) > TRACE_FILE_BYTES)	/* an endless pipe */
		return slurp_too_large(r->path, (size_t)TRACE_FILE_BYTES,
				       r->err);
	if (r->line == INT_MAX)
		return err_set(r->err, r->path, 0, "", "too many lines");
	r->line++;
	if (strlen(buf) != n)
		return err_set(r->err, r->path, r->line, "",
			       "NUL byte in line (binary file?)");
	if (n == TRACE_LINE_BYTES + 1 && buf[n - 1] != '\n')
		return err_set(r->err, r->path, r->line, "",
			       "line longer than %d bytes", TRACE_LINE_BYTES);
	return 1;
}

/*
 * zlib's verdict on the stream. A parse error in a gzip file may come from
 * corrupt data, so then the rest of the stream is decompressed (drain) to let
 * zlib check it: "corrupt gzip data" is the better message. Returns 0 or -1
 * with err replaced.
 */
static int stream_check(struct reader *r, int drain)
{
	char buf[4096];
	const char *zmsg;
	size_t plen;
	int errnum;

	if (drain && !gzdirect(r->f))
		while (gztell(r->f) <= TRACE_FILE_BYTES &&
		       gzread(r->f, buf, sizeof buf) > 0)
			;
	zmsg = gzerror(r->f, &errnum);
	if (errnum == Z_OK)
		return 0;
	if (errnum == Z_ERRNO)
		return err_set(r->err, r->path, 0, "", "read error: %s",
			       strerror(errno));
	/* zlib prefixes "path: ", which err already names */
	plen = strlen(r->path);
	if (!strncmp(zmsg, r->path, plen) && !strncmp(zmsg + plen, ": ", 2))
		zmsg += plen + 2;
	/* zlib inflates ahead of the lines handed out, so the line count
	 * only says how much came through; the error is the file's */
	if (r->line == 0)
		return err_set(r->err, r->path, 0, "", "truncated or corrupt "
			       "gzip data (zlib: %s)", zmsg);
	return err_set(r->err, r->path, 0, "", "truncated or corrupt gzip "
		       "data (zlib: %s) after line %d", zmsg, r->line);
}

static int read_all(struct reader *r)
{
	char buf[TRACE_LINE_BYTES + 2];
	int rc;

	while ((rc = read_line(r, buf)) > 0)
		if (parse_line(r, buf))
			break;
	if (rc != 0) {
		stream_check(r, 1);
		return -1;
	}
	if (stream_check(r, 0))
		return -1;
	if (!r->version)
		return not_a_trace(r, 0);
	if (r->t->n_ops == 0)
		return err_set(r->err, r->path, 0, "", "trace has no ops");
	return 0;
}

/* Inflate one chunk; returns 1 at the end of a member, 0 to go on, -1 bad. */
static int inflate_chunk(z_stream *z)
{
	unsigned char out[16384];
	int zr;

	do {
		z->next_out = out;
		z->avail_out = sizeof out;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			return 1;
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			return -1;
	} while (z->avail_out == 0);
	return 0;
}

/*
 * gzread accepts anything after a complete gzip member as "trailing
 * garbage" and stops silently; a trace with bytes after its data is damaged,
 * so walk the members ourselves. Returns 0, or -1 with err.
 */
static int gz_members_whole(const char *path, struct sim_err *err)
{
	unsigned char in[65536];
	z_stream z;
	FILE *f = fopen(path, "rb");
	int rc = 0, end = 0;

	if (!f)
		return err_set(err, path, 0, "", "cannot open: %s", strerror(errno));
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		fclose(f);
		return err_set(err, path, 0, "", "out of memory");
	}
	while (rc == 0) {
		if (z.avail_in == 0) {
			z.avail_in = (uInt)fread(in, 1, sizeof in, f);
			z.next_in = in;
			if (z.avail_in == 0)
				break;
		}
		if (end) {	/* between members: only another member may follow */
			if (z.next_in[0] != 0x1f)
				rc = -1;
			end = 0;
			inflateReset(&z);
			continue;
		}
		end = inflate_chunk(&z);
		if (end < 0)
			rc = -1;
	}
	inflateEnd(&z);
	fclose(f);
	if (rc)
		return err_set(err, path, 0, "", "truncated or corrupt gzip "
			       "data (bytes after the end of the compressed "
			       "stream)");
	return 0;
}

int trace_read(const char *path, struct trace *t, struct sim_err *err)
{
	struct reader r = { .path = path, .t = t, .err = err };
	int rc, zrc, gz;

	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "%s", path);
	if (input_is_file(path, err))
		return -1;
	errno = 0;
	r.f = gzopen(path, "rb");
	if (!r.f)
		return err_set(err, path, 0, "", "cannot open: %s",
			       errno ? strerror(errno) : "out of memory");
	rc = read_all(&r);
	gz = !gzdirect(r.f);
	zrc = gzclose(r.f);
	if (rc == 0 && zrc != Z_OK)
		rc = err_set(err, path, 0, "", "error closing (zlib code %d)",
			     zrc);
	if (rc == 0 && gz)
		rc = gz_members_whole(path, err);
	trace_names_free(&r.names);
	if (rc)
		trace_free(t);
	return rc;
}

