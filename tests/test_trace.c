/*
 * test_trace.c - cmocka suite for sim/trace.c and sim/zoo.c.
 *
 * Every test writes its own files under a scratch directory of its own
 * (testutil.h) and removes them, so tests are independent and leave nothing
 * behind; the writer tests also check that no temporary file survives a
 * failure.
 * Bad-input cases are one table (bad_cases): content, expected line, field
 * and a piece of the message.
 */
#include "testutil.h"

#include "err.h"
#include "trace.h"
#include "zoo.h"

#define HDR "stasim-trace 1\n"

/* Whole file into a malloc'ed buffer. */
static unsigned char *get_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A trace file from a string, in /tmp via mkstemp as the loader sees it. */
static char *tmp_trace(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_trace_XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static int read_text(const char *text, size_t len, struct trace *t,
		     struct sim_err *err)
{
	char *path = tmp_trace(text, len);
	int rc = trace_read(path, t, err);

	unlink(path);
	free(path);
	return rc;
}

static void assert_empty(const struct trace *t)
{
	assert_null(t->ops);
	assert_int_equal(t->n_ops, 0);
}

static void assert_same_ops(const struct trace *a, const struct trace *b)
{
	size_t i;

	assert_int_equal(a->n_ops, b->n_ops);
	for (i = 0; i < a->n_ops; i++) {
		assert_int_equal(a->ops[i].kind, b->ops[i].kind);
		assert_string_equal(a->ops[i].name, b->ops[i].name);
		assert_int_equal(a->ops[i].m, b->ops[i].m);
		assert_int_equal(a->ops[i].k, b->ops[i].k);
		assert_int_equal(a->ops[i].n, b->ops[i].n);
		assert_int_equal(a->ops[i].nm_n, b->ops[i].nm_n);
		assert_int_equal(a->ops[i].nm_m, b->ops[i].nm_m);
		assert_int_equal(a->ops[i].heads, b->ops[i].heads);
		assert_int_equal(a->ops[i].line, b->ops[i].line);
	}
}

/* ------------------------------------------------------------------ */

static void test_valid(void **state)
{
	static const char text[] = HDR
		"gemm name=l0.qkv m=128 k=768 n=2304 nm=2:4\n"
		"matmul name=l0.qk m=128 k=64 n=128 heads=12\n"
		"gemm name=dense m=3 k=5 n=7\n"
		"gemm n=9 k=8 m=7 nm=4:4 name=Aa_9-.x\n"
		"matmul name=one m=1 k=1 n=1\n";
	struct trace t;
	struct sim_err err;
	const struct op *op;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(t.n_ops, 5);
	op = &t.ops[0];
	assert_int_equal(op->kind, OP_GEMM);
	assert_string_equal(op->name, "l0.qkv");
	assert_int_equal(op->m, 128);
	assert_int_equal(op->k, 768);
	assert_int_equal(op->n, 2304);
	assert_int_equal(op->nm_n, 2);
	assert_int_equal(op->nm_m, 4);
	assert_int_equal(op->heads, 1);
	assert_int_equal(op->line, 2);
	assert_false(op_is_dense(op));
	op = &t.ops[1];
	assert_int_equal(op->kind, OP_MATMUL);
	assert_int_equal(op->heads, 12);
	assert_int_equal(op->nm_n, 1);
	assert_int_equal(op->nm_m, 1);
	assert_true(op_is_dense(op));
	op = &t.ops[2];
	assert_int_equal(op->nm_n, 1);
	assert_int_equal(op->nm_m, 1);
	assert_true(op_is_dense(op));
	op = &t.ops[3];
	assert_string_equal(op->name, "Aa_9-.x");
	assert_int_equal(op->m, 7);
	assert_int_equal(op->nm_n, 4);
	assert_int_equal(op->nm_m, 4);
	assert_true(op_is_dense(op));
	assert_int_equal(t.ops[4].heads, 1);
	assert_int_equal(t.ops[4].line, 6);
	assert_string_equal(op_kind_name(OP_GEMM), "gemm");
	assert_string_equal(op_kind_name(OP_MATMUL), "matmul");
	trace_free(&t);
	assert_empty(&t);
}

static void test_comments_blanks(void **state)
{
	static const char text[] =
		"\n"
		"# a leading comment\n"
		"   \t\n"
		"stasim-trace 1   # version one\n"
		"\n"
		"#gemm name=hidden m=1 k=1 n=1\n"
		"\tgemm\tname=a  m=2\tk=3 n=4 # trailing comment\r\n"
		"gemm name=b m=2 k=3 n=4#no blank before the comment\n"
		"   \n"
		"matmul name=c m=1 k=2 n=3 heads=4";	/* no final newline */
	struct trace t;
	struct sim_err err;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(t.n_ops, 3);
	assert_string_equal(t.ops[0].name, "a");
	assert_int_equal(t.ops[0].n, 4);
	assert_int_equal(t.ops[0].line, 7);
	assert_string_equal(t.ops[1].name, "b");
	assert_int_equal(t.ops[1].line, 8);
	assert_string_equal(t.ops[2].name, "c");
	assert_int_equal(t.ops[2].heads, 4);
	assert_int_equal(t.ops[2].line, 10);
	trace_free(&t);
}

/* A line of exactly 4096 bytes is fine; one more byte is not. */
static void test_line_limit(void **state)
{
	size_t hdr = strlen(HDR), len = hdr + 4096 + 1;
	char *text = malloc(len + 2);
	struct trace t;
	struct sim_err err;

	(void)state;
	assert_non_null(text);
	memcpy(text, HDR, hdr);
	memset(text + hdr, ' ', 4096);
	memcpy(text + hdr, "gemm name=a m=1 k=1 n=1 #", 25);
	text[hdr + 4096] = '\n';
	assert_int_equal(read_text(text, len, &t, &err), 0);
	assert_int_equal(t.n_ops, 1);
	trace_free(&t);

	text[hdr + 4096] = 'x';
	text[hdr + 4097] = '\n';
	assert_int_equal(read_text(text, len + 1, &t, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.field, "");
	assert_non_null(strstr(err.msg, "longer than 4096"));
	assert_empty(&t);
	free(text);
}

static void test_nul_byte(void **state)
{
	static const char text[] = HDR "gemm name=a m=1 k=1 n=1\n"
		"gemm name=b\0 m=1 k=1 n=1\n";
	struct trace t;
	struct sim_err err;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), -1);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "NUL"));
	assert_empty(&t);
}

static void test_missing_file(void **state)
{
	struct scratch *s = *state;
	struct trace t;
	struct sim_err err;

	assert_int_equal(trace_read(scratch_file(s, "none.trace"), &t, &err),
			 -1);
	assert_string_equal(err.file, s->path);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_empty(&t);
	/* a directory opens but cannot be read */
	assert_int_equal(trace_read(s->dir, &t, &err), -1);
	assert_non_null(strstr(err.msg, "read error"));
	assert_empty(&t);
}

/* ------------------------------------------------------------------ */
/* Bad input: one row per error */

struct bad_case {
	const char *text;	/* whole file */
	int line;		/* expected err.line */
	const char *field;	/* expected err.field */
	const char *msg;	/* expected piece of err.msg */
};

#define OK1 "gemm name=x m=1 k=1 n=1\n"

static const struct bad_case bad_cases[] = {
	{ "", 0, "", "not a stasim trace (first line must be 'stasim-trace 1')" },
	{ "\n# only a comment\n", 0, "", "not a stasim trace" },
	{ "hello\n" OK1, 1, "", "not a stasim trace" },
	{ OK1, 1, "", "not a stasim trace" },
	{ "stasim-trace\n" OK1, 1, "", "not a stasim trace" },
	{ "stasim-trace 1 extra\n" OK1, 1, "", "not a stasim trace" },
	{ "stasim_trace 1\n" OK1, 1, "", "not a stasim trace" },
	{ "\nstasim-trace 2\n" OK1, 2, "", "unsupported trace version 2" },
	{ "stasim-trace 1.0\n" OK1, 1, "", "unsupported trace version 1.0" },
	{ HDR, 0, "", "trace has no ops" },
	{ HDR "# nothing\n\n", 0, "", "trace has no ops" },
	{ HDR "conv name=a m=1\n", 2, "conv", "unknown op kind 'conv' (known: gemm, matmul, softmax, gelu, layernorm, add, gate, moe)" },
	{ HDR "GEMM name=a m=1 k=1 n=1\n", 2, "GEMM", "unknown op kind" },
	{ HDR OK1 "gemm name=a m=1 k=1 n=1 x=3\n", 3, "gemm.x", "unknown key 'x' (gemm takes: name, m, k, n, nm)" },
	{ HDR "gemm name=a m=1 k=1 n=1 heads=2\n", 2, "gemm.heads", "unknown key" },
	{ HDR "matmul name=a m=1 k=1 n=1 nm=2:4\n", 2, "matmul.nm", "unknown key 'nm' (matmul takes: name, m, k, n, heads)" },
	{ HDR "gemm name=a m=1 m=2 k=1 n=1\n", 2, "gemm.m", "given twice" },
	{ HDR "gemm name=a m k=1 n=1\n", 2, "gemm.m", "expected key=value" },
	{ HDR "gemm name=a b m=1 k=1 n=1\n", 2, "gemm.b", "expected key=value" },
	{ HDR "gemm name=a m= k=1 n=1\n", 2, "gemm.m", "empty value" },
	{ HDR "gemm name= m=1 k=1 n=1\n", 2, "gemm.name", "empty value" },
	{ HDR "gemm name=a =3 m=1 k=1 n=1\n", 2, "gemm", "empty key" },
	{ HDR "gemm name=a k=1 n=1\n", 2, "gemm.m", "missing required key" },
	{ HDR "gemm m=1 k=1 n=1\n", 2, "gemm.name", "missing required key" },
	{ HDR "matmul name=a m=1 k=1 heads=2\n", 2, "matmul.n", "missing required key" },
	{ HDR "gemm\n", 2, "gemm.name", "missing required key" },
	{ HDR "gemm name=a m=-1 k=1 n=1\n", 2, "gemm.m", "'-1' is not a decimal number" },
	{ HDR "gemm name=a m=+1 k=1 n=1\n", 2, "gemm.m", "not a decimal number" },
	{ HDR "gemm name=a m=0x10 k=1 n=1\n", 2, "gemm.m", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=12abc n=1\n", 2, "gemm.k", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=1 n=1.5\n", 2, "gemm.n", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=1 n=4294967296\n", 2, "gemm.n", "too large" },
	{ HDR "gemm name=a m=1 k=1 n=99999999999999999999999\n", 2, "gemm.n", "too large" },
	{ HDR "gemm name=a m=0 k=1 n=1\n", 2, "gemm.m", "0 is out of range (1..1048576)" },
	{ HDR "gemm name=a m=1 k=1048577 n=1\n", 2, "gemm.k", "out of range" },
	{ HDR "matmul name=a m=1 k=1 n=1 heads=0\n", 2, "matmul.heads", "out of range (1..1024)" },
	{ HDR "matmul name=a m=1 k=1 n=1 heads=1025\n", 2, "matmul.heads", "out of range" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=2\n", 2, "gemm.nm", "not an N:M pattern" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=:4\n", 2, "gemm.nm", "not an N:M pattern" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=2:\n", 2, "gemm.nm", "not an N:M pattern" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=a:b\n", 2, "gemm.nm", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=2:4:8\n", 2, "gemm.nm", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=-2:4\n", 2, "gemm.nm", "not a decimal number" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=0:4\n", 2, "gemm.nm", "needs 1 <= N <= M" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=5:4\n", 2, "gemm.nm", "needs 1 <= N <= M" },
	{ HDR "gemm name=a m=1 k=1 n=1 nm=2:128\n", 2, "gemm.nm", "M above 64" },
	{ HDR "gemm name=a/b m=1 k=1 n=1\n", 2, "gemm.name", "outside [A-Za-z0-9._-]" },
	{ HDR "gemm name=a:b m=1 k=1 n=1\n", 2, "gemm.name", "outside" },
	{ HDR "gemm name=" "0123456789012345678901234567890123456789012345678901234567890123"
	  " m=1 k=1 n=1\n", 2, "gemm.name", "longer than 63" },
	{ HDR "gemm name=a m=1 k=1 n=1\n\n# x\ngemm name=a m=2 k=2 n=2\n", 5, "gemm.name",
	  "duplicate name 'a' (first used on line 2)" },
	{ HDR "gemm name=a m=1 k=1 n=1\nmatmul name=a m=2 k=2 n=2\n", 3, "matmul.name",
	  "first used on line 2" },
	{ HDR "gemm name=a m=1048576 k=4096 n=1\n", 2, "gemm.m", "left operand m*k has 4294967296 elements" },
	{ HDR "gemm name=a m=1 k=4096 n=1048576\n", 2, "gemm.k", "right operand k*n" },
	{ HDR "gemm name=a m=65536 k=1 n=65536\n", 2, "gemm.m", "output m*n" },
	{ HDR "matmul name=a m=2048 k=2048 n=1 heads=1024\n", 2, "matmul.m",
	  "heads*left operand m*k has 4294967296 elements, more than 2147483648" },
	{ HDR "gemm name=ok m=1 k=1 n=1\ngemm name=bad m=1 k=1 n=1 nm=3:2\n", 3, "gemm.nm", "N <= M" },
};

static void test_bad_cases(void **state)
{
	struct trace t;
	struct sim_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];

		memset(&err, 0, sizeof err);
		if (read_text(c->text, strlen(c->text), &t, &err) != -1 ||
		    err.line != c->line || strcmp(err.field, c->field) ||
		    !strstr(err.msg, c->msg))
			fail_msg("case %zu: got line %d field '%s' msg '%s'\n"
				 "want line %d field '%s' msg '%s'", i,
				 err.line, err.field, err.msg, c->line,
				 c->field, c->msg);
		assert_non_null(strstr(err.file, "/tmp/test_trace_"));
		assert_empty(&t);
	}
}

/* The largest legal operands are accepted (limits are inclusive). */
static void test_limits_inclusive(void **state)
{
	static const char text[] = HDR
		"gemm name=a m=1048576 k=2048 n=1 nm=64:64\n"
		"matmul name=b m=2048 k=1024 n=1 heads=1024\n"
		"gemm name=c m=1 k=1 n=1 nm=1:64\n";
	struct trace t;
	struct sim_err err;

	(void)state;
	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(t.n_ops, 3);
	assert_int_equal(t.ops[0].nm_m, 64);
	assert_int_equal(t.ops[1].heads, 1024);
	assert_int_equal(t.ops[2].nm_n, 1);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */
/* Writer and gzip */

static void build_bert(struct trace *t, uint32_t n, uint32_t m)
{
	struct zoo_opts o;
	struct sim_err err;

	assert_int_equal(zoo_defaults("bert-base", &o), 0);
	o.nm_n = n;
	o.nm_m = m;
	assert_int_equal(zoo_build("bert-base", &o, t, &err), 0);
}

static void round_trip(struct scratch *s, const char *name)
{
	struct trace a, b;
	struct sim_err err;
	char path[sizeof s->path];

	build_bert(&a, 2, 4);
	strf(path, sizeof path, "%s", scratch_file(s, name));
	assert_int_equal(trace_write(path, &a, NULL, &err), 0);
	assert_int_equal(trace_read(path, &b, &err), 0);
	assert_string_equal(b.path, path);
	assert_same_ops(&a, &b);	/* lines included: zoo predicts them */
	assert_int_equal(count_entries(s->dir), 1);	/* no temporary left */
	trace_free(&a);
	trace_free(&b);
}

static void test_round_trip_plain(void **state)
{
	static const char head[] = HDR
		"layernorm name=l0.ln1 m=128 n=768\n"
		"gemm name=l0.qkv m=128 k=768 n=2304 nm=2:4\n"
		"matmul name=l0.qk m=128 k=64 n=128 heads=12\n"
		"softmax name=l0.sm m=128 n=128 heads=12\n";
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len;

	round_trip(s, "bert.trace");
	buf = get_bytes(s->path, &len);
	assert_true(len > sizeof head);
	assert_memory_equal(buf, head, sizeof head - 1);
	free(buf);
}

static void test_round_trip_gz(void **state)
{
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len;

	round_trip(s, "bert.trace.gz");
	buf = get_bytes(s->path, &len);
	assert_true(len > 18);
	assert_int_equal(buf[0], 0x1f);		/* gzip magic */
	assert_int_equal(buf[1], 0x8b);
	assert_int_equal(buf[3], 0);		/* FLG: no name, no comment */
	assert_int_equal(buf[4] | buf[5] | buf[6] | buf[7], 0);	/* mtime 0 */
	free(buf);
}

/* Canonical text: key order, nm omitted only at 1:1, comment lines. */
static void test_write_canonical(void **state)
{
	static const char text[] = HDR
		"gemm nm=1:1 n=3 k=2 m=1 name=dense\n"
		"gemm nm=4:4 n=3 k=2 m=1 name=dense4\n"
		"gemm nm=1:8 n=3 k=2 m=1 name=sparse\n"
		"matmul n=3 k=2 m=1 name=mm\n";
	static const char want[] = HDR
		"# made by a test\n"
		"#\n"
		"# third line\n"
		"gemm name=dense m=1 k=2 n=3\n"
		"gemm name=dense4 m=1 k=2 n=3 nm=4:4\n"
		"gemm name=sparse m=1 k=2 n=3 nm=1:8\n"
		"matmul name=mm m=1 k=2 n=3 heads=1\n";
	struct scratch *s = *state;
	struct trace t, back;
	struct sim_err err;
	unsigned char *buf;
	size_t len;

	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(trace_write(scratch_file(s, "c.trace"), &t,
				     "made by a test\n\nthird line\n", &err), 0);
	buf = get_bytes(s->path, &len);
	assert_int_equal(len, sizeof want - 1);
	assert_memory_equal(buf, want, len);
	free(buf);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_int_equal(back.n_ops, 4);
	assert_int_equal(back.ops[0].line, 5);
	assert_int_equal(back.ops[1].nm_n, 4);
	trace_free(&back);
	trace_free(&t);
}

/* A comment line too long for a trace line is split, and lines agree. */
static void test_write_long_comment(void **state)
{
	struct scratch *s = *state;
	char *comment = malloc(9000 + 7);
	struct trace t, back;
	struct sim_err err;

	assert_non_null(comment);
	memset(comment, 'x', 9000);
	memcpy(comment + 9000, "\nshort", 7);
	build_bert(&t, 2, 8);
	assert_int_equal(trace_write(scratch_file(s, "l.trace.gz"), &t, comment,
				     &err), 0);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_int_equal(back.ops[0].line, 2 + 4);	/* 4094 + 4094 + 812 + 5 */
	t.ops[2].heads = 0;
	assert_int_equal(trace_write(scratch_file(s, "l.trace.gz"), &t, comment,
				     &err), -1);
	assert_int_equal(err.line, 2 + 4 + 2);
	assert_string_equal(err.field, "matmul.heads");
	trace_free(&back);
	trace_free(&t);
	free(comment);
}

static void test_write_deterministic(void **state)
{
	static const char *const names[] = { "a.trace.gz", "b.trace.gz",
					     "a.trace", "b.trace" };
	struct scratch *s = *state;
	unsigned char *buf[4];
	size_t len[4], i;
	struct trace t;
	struct sim_err err;

	build_bert(&t, 1, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(trace_write(scratch_file(s, names[i]), &t,
					     "same bytes", &err), 0);
		buf[i] = get_bytes(s->path, &len[i]);
	}
	assert_int_equal(len[0], len[1]);
	assert_memory_equal(buf[0], buf[1], len[0]);
	assert_int_equal(len[2], len[3]);
	assert_memory_equal(buf[2], buf[3], len[2]);
	assert_true(len[0] < len[2]);		/* .gz really compressed */
	/* overwriting an existing file goes through rename too */
	assert_int_equal(trace_write(scratch_file(s, names[0]), &t,
				     "same bytes", &err), 0);
	free(buf[1]);
	buf[1] = get_bytes(s->path, &len[1]);
	assert_memory_equal(buf[0], buf[1], len[0]);
	assert_int_equal(count_entries(s->dir), 4);
	for (i = 0; i < 4; i++)
		free(buf[i]);
	trace_free(&t);
}

/* A valid .gz of bert-base, its bytes returned for the caller to damage. */
static unsigned char *valid_gz(struct scratch *s, size_t *len)
{
	struct trace t;
	struct sim_err err;

	build_bert(&t, 2, 4);
	assert_int_equal(trace_write(scratch_file(s, "x.trace.gz"), &t, NULL,
				     &err), 0);
	trace_free(&t);
	return get_bytes(s->path, len);
}

static void assert_gz_error(const char *path)
{
	struct trace t;
	struct sim_err err;

	memset(&err, 0, sizeof err);
	assert_int_equal(trace_read(path, &t, &err), -1);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.field, "");
	if (!strstr(err.msg, "truncated or corrupt gzip data") ||
	    !strstr(err.msg, "(zlib: "))
		fail_msg("unexpected message: %s", err.msg);
	assert_empty(&t);
}

/* The first len bytes of buf, written over valid_gz()'s file, are refused. */
static void assert_gz_refused(struct scratch *s, const void *buf, size_t len)
{
	put_bytes(s->path, buf, len);
	assert_gz_error(s->path);
}

static void test_gz_truncated(void **state)
{
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len, cut;

	buf = valid_gz(s, &len);
	assert_gz_refused(s, buf, len - 10);
	/* only the trailer's size field missing */
	assert_gz_refused(s, buf, len - 2);
	/* cut in the middle of the data */
	for (cut = 20; cut < len; cut += len / 7)
		assert_gz_refused(s, buf, cut);
	free(buf);
}

static void test_gz_corrupt(void **state)
{
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len, i;

	buf = valid_gz(s, &len);
	for (i = len / 2; i < len / 2 + 8; i++)
		buf[i] ^= 0x5a;
	assert_gz_refused(s, buf, len);
	/* a single flipped bit in the CRC */
	free(buf);
	buf = valid_gz(s, &len);
	buf[len - 6] ^= 1;
	assert_gz_refused(s, buf, len);
	free(buf);
}

/* A plain file may hold a gzip trace's text, and vice versa by content. */
static void test_gz_by_content(void **state)
{
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len;
	struct trace t;
	struct sim_err err;

	buf = valid_gz(s, &len);
	put_bytes(scratch_file(s, "named-plain.trace"), buf, len);
	assert_int_equal(trace_read(s->path, &t, &err), 0);
	assert_int_equal(t.n_ops, 144);
	trace_free(&t);
	free(buf);
}

static void test_write_refuses(void **state)
{
	struct scratch *s = *state;
	struct trace t;
	struct sim_err err;
	char path[sizeof s->path];

	build_bert(&t, 1, 1);
	strf(path, sizeof path, "%s", scratch_file(s, "r.trace"));
	/* ops: 0 ln1, 1 qkv, 2 qk, 3 sm, 4 av, 5 proj; op i on line i + 2
	 * (+ 2 with a two-line comment) */
	strcpy(t.ops[5].name, "bad name");
	assert_int_equal(trace_write(path, &t, "one\ntwo", &err), -1);
	assert_int_equal(err.line, 2 + 2 + 5);
	assert_string_equal(err.field, "gemm.name");
	strcpy(t.ops[5].name, "l0.qkv");
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 7);
	assert_string_equal(err.field, "gemm.name");
	assert_non_null(strstr(err.msg, "duplicate name 'l0.qkv'"));
	strcpy(t.ops[5].name, "l0.proj");
	t.ops[1].heads = 2;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "gemm.heads");
	t.ops[1].heads = 1;
	t.ops[2].nm_n = 2;
	t.ops[2].nm_m = 4;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "matmul.nm");
	t.ops[2].nm_n = 1;
	t.ops[2].nm_m = 1;
	t.ops[2].k = 0;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "matmul.k");
	assert_int_equal(err.line, 4);
	t.ops[2].k = 64;
	t.ops[3].k = 5;		/* softmax takes no k */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "softmax.k");
	t.ops[3].k = 0;
	assert_int_equal(count_entries(s->dir), 0);
	t.n_ops = 0;		/* the reader rejects an empty trace */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "trace has no ops"));
	t.n_ops = 144;
	/* a directory that does not exist: nothing created anywhere */
	strf(path, sizeof path, "%s/no/such.trace.gz", s->dir);
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "temporary"));
	assert_int_equal(count_entries(s->dir), 0);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */
/* Zoo */

static void test_zoo_bert(void **state)
{
	/* layer 0's ops by index: k and n from BERT-base's dimensions */
	static const struct { size_t i; const char *name; uint32_t k, n; }
	l0_ops[] = {
		{ 0, "l0.ln1", 0, 768 },
		{ 1, "l0.qkv", 768, 2304 },
		{ 2, "l0.qk", 64, 128 },
		{ 3, "l0.sm", 0, 128 },
		{ 4, "l0.av", 128, 64 },
		{ 9, "l0.gelu", 0, 3072 },
		{ 10, "l0.ffn2", 3072, 768 },
	};
	const uint64_t layers = 12, hidden = 768, heads = 12, ffn = 3072;
	const uint64_t seq = 128, hd = hidden / heads;
	uint64_t want = 0, got = 0, l;
	size_t i, count[OP_KIND_COUNT] = { 0 };
	struct trace t;
	const struct op *op;

	(void)state;
	for (l = 0; l < layers; l++)
		want += seq * hidden * 3 * hidden + heads * seq * hd * seq * 2 +
			seq * hidden * hidden + 2 * seq * hidden * ffn;
	assert_true(want == 11173625856ull);	/* docs/trace-format.md */
	build_bert(&t, 1, 1);
	assert_int_equal(t.n_ops, 144);
	assert_string_equal(t.path, "");
	for (i = 0; i < t.n_ops; i++) {
		op = &t.ops[i];
		count[op->kind]++;
		if (op->kind == OP_GEMM)
			got += (uint64_t)op->m * op->k * op->n;
		if (op->kind == OP_MATMUL)
			got += (uint64_t)op->heads * op->m * op->k * op->n;
		assert_int_equal(op->heads, op->kind == OP_MATMUL ||
				 op->kind == OP_SOFTMAX ? 12 : 1);
		assert_int_equal(op->m, 128);
		assert_int_equal(op->nm_n, 1);
		assert_int_equal(op->nm_m, 1);
		assert_int_equal(op->line, (int)i + 2);
	}
	assert_int_equal(count[OP_GEMM], 48);
	assert_int_equal(count[OP_MATMUL], 24);
	assert_int_equal(count[OP_SOFTMAX], 12);
	assert_int_equal(count[OP_GELU], 12);
	assert_int_equal(count[OP_LAYERNORM], 24);
	assert_int_equal(count[OP_ADD], 24);
	assert_true(got == want);
	for (i = 0; i < sizeof l0_ops / sizeof l0_ops[0]; i++) {
		op = &t.ops[l0_ops[i].i];
		assert_string_equal(op->name, l0_ops[i].name);
		assert_int_equal(op->k, l0_ops[i].k);
		assert_int_equal(op->n, l0_ops[i].n);
	}
	assert_string_equal(t.ops[143].name, "l11.res2");
	trace_free(&t);
}

static void test_zoo_nm_and_seq(void **state)
{
	struct zoo_opts o = { .seq = 384, .nm_n = 2, .nm_m = 8 };
	struct trace t;
	struct sim_err err;
	size_t i;

	(void)state;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), 0);
	for (i = 0; i < t.n_ops; i++) {
		assert_int_equal(t.ops[i].m, 384);
		if (t.ops[i].kind == OP_GEMM) {
			assert_int_equal(t.ops[i].nm_n, 2);
			assert_int_equal(t.ops[i].nm_m, 8);
		} else {
			assert_true(op_is_dense(&t.ops[i]));
			assert_int_equal(t.ops[i].nm_n, 1);
		}
	}
	trace_free(&t);
	assert_int_equal(zoo_build("bert-base", NULL, &t, &err), 0);
	assert_int_equal(t.ops[0].m, 128);
	trace_free(&t);
}

static void test_zoo_errors(void **state)
{
	struct zoo_opts o = { .seq = 128, .nm_n = 1, .nm_m = 1 };
	const char *const *models = zoo_models();
	struct trace t;
	struct sim_err err;

	(void)state;
	assert_string_equal(models[0], "bert-base");
	assert_string_equal(models[1], "vit-b16");
	assert_string_equal(models[2], "deit-tiny");
	assert_string_equal(models[3], "m3vit-tiny");
	assert_string_equal(models[4], "bert-large");
	assert_string_equal(models[5], "vit-l16");
	assert_string_equal(models[6], "deit-small");
	assert_string_equal(models[7], "gpt2");
	assert_null(models[8]);
	assert_int_equal(zoo_defaults("bert-base", &o), 0);
	assert_int_equal(o.seq, 128);
	assert_int_equal(zoo_defaults("gpt-9", &o), -1);
	assert_int_equal(zoo_build("gpt-9", &o, &t, &err), -1);
	assert_string_equal(err.field, "model");
	assert_non_null(strstr(err.msg, "unknown model 'gpt-9' (known: bert-base, vit-b16, deit-tiny, m3vit-tiny, bert-large, vit-l16, deit-small, gpt2)"));
	assert_empty(&t);
	o.nm_n = 5;
	o.nm_m = 4;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	assert_string_equal(err.field, "nm");
	o.nm_n = 0;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	o.nm_n = 1;
	o.nm_m = 128;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	o.nm_m = 1;
	o.seq = 0;
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	assert_string_equal(err.field, "seq");
	o.seq = 20000;		/* 12 heads * 20000^2 scores > 2^31 */
	assert_int_equal(zoo_build("bert-base", &o, &t, &err), -1);
	assert_string_equal(err.field, "seq");
	assert_non_null(strstr(err.msg, "qk"));
	assert_empty(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_comments_blanks),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_nul_byte),
		scratch_test(test_missing_file),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_limits_inclusive),
		scratch_test(test_round_trip_plain),
		scratch_test(test_round_trip_gz),
		scratch_test(test_write_canonical),
		scratch_test(test_write_long_comment),
		scratch_test(test_write_deterministic),
		scratch_test(test_gz_truncated),
		scratch_test(test_gz_corrupt),
		scratch_test(test_gz_by_content),
		scratch_test(test_write_refuses),
		cmocka_unit_test(test_zoo_bert),
		cmocka_unit_test(test_zoo_nm_and_seq),
		cmocka_unit_test(test_zoo_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
