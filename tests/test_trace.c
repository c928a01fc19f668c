/*
 * test_trace.c - cmocka suite for sim/trace.c and sim/zoo.c.
 *
 * Every test writes its own files under a scratch directory of its own
 * (testutil.h) and removes them, so tests are independent and leave nothing
 * behind; the writer tests also check that no temporary file survives a
 * failure.
 * Bad-input cases are one table (bad_cases): content, expected line, field
 * and a piece of the message. The graphs of format v2 (which tensors each
 * op reads and writes) are checked against tables written by hand from the
 * trace text: tensors in order of first use, each with its producer and
 * last reader.
 */
#include "testutil.h"

#include "err.h"
#include "trace.h"
#include "zoo.h"

#define HDR "stasim-trace 1\n"
#define HDR2 "stasim-trace 2\n"

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

/* The file at path holds exactly the len bytes of want. */
static void assert_file_is(const char *path, const char *want, size_t len)
{
	size_t got;
	unsigned char *buf = get_bytes(path, &got);

	assert_int_equal(got, len);
	assert_memory_equal(buf, want, len);
	free(buf);
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

/* Same tensors, in the same order, and every op reads and writes the same. */
static void assert_same_graph(const struct trace *a, const struct trace *b)
{
	size_t i, j;

	assert_int_equal(a->n_tensors, b->n_tensors);
	for (i = 0; i < a->n_tensors; i++) {
		assert_string_equal(a->tensors[i].name, b->tensors[i].name);
		assert_int_equal(a->tensors[i].producer, b->tensors[i].producer);
		assert_int_equal(a->tensors[i].last_reader,
				 b->tensors[i].last_reader);
	}
	for (i = 0; i < a->n_ops; i++) {
		assert_int_equal(a->ops[i].n_in, b->ops[i].n_in);
		for (j = 0; j < a->ops[i].n_in; j++)
			assert_int_equal(a->ops[i].in[j], b->ops[i].in[j]);
		assert_int_equal(a->ops[i].out, b->ops[i].out);
	}
}

static void assert_same_ops(const struct trace *a, const struct trace *b)
{
	size_t i;

	assert_int_equal(a->n_ops, b->n_ops);
	assert_same_graph(a, b);
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
	/* a directory, and a device that never ends, are refused unread */
	assert_int_equal(trace_read(s->dir, &t, &err), -1);
	assert_string_equal(err.msg, "is a directory, not a file");
	assert_empty(&t);
	assert_int_equal(trace_read("/dev/zero", &t, &err), -1);
	assert_string_equal(err.msg, "is a device, not a file (its data may "
			    "never end)");
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
	{ "", 0, "", "not a stasim trace (first line must be 'stasim-trace 1' or 'stasim-trace 2')" },
	{ "\n# only a comment\n", 0, "", "not a stasim trace" },
	{ "hello\n" OK1, 1, "", "not a stasim trace" },
	{ OK1, 1, "", "not a stasim trace" },
	{ "stasim-trace\n" OK1, 1, "", "not a stasim trace" },
	{ "stasim-trace 1 extra\n" OK1, 1, "", "not a stasim trace" },
	{ "stasim_trace 1\n" OK1, 1, "", "not a stasim trace" },
	{ "\nstasim-trace 3\n" OK1, 2, "", "unsupported trace version 3 (this stasim reads versions 1 and 2)" },
	{ "stasim-trace 0\n" OK1, 1, "", "unsupported trace version 0" },
	{ "stasim-trace 1.0\n" OK1, 1, "", "unsupported trace version 1.0" },
	{ HDR, 0, "", "trace has no ops" },
	{ HDR "# nothing\n\n", 0, "", "trace has no ops" },
	{ HDR "conv name=a m=1\n", 2, "conv", "unknown op kind 'conv' (known: gemm, matmul, softmax, gelu, layernorm, add, gate, moe)" },
	{ HDR "GEMM name=a m=1 k=1 n=1\n", 2, "GEMM", "unknown op kind" },
	{ HDR OK1 "gemm name=a m=1 k=1 n=1 x=3\n", 3, "gemm.x", "unknown key 'x' (gemm takes: name, m, k, n, nm)" },
	{ HDR "gemm name=a m=1 k=1 n=1 heads=2\n", 2, "gemm.heads", "unknown key" },
	{ HDR "meta model=m\n" OK1, 2, "meta", "a meta line needs version 2 ('stasim-trace 2')" },
	{ HDR2 "meta model=m\n" OK1 "meta seq=3\n", 4, "meta", "given twice (first on line 2)" },
	{ HDR2 "meta model=m model=n\n" OK1, 2, "meta.model", "given twice" },
	{ HDR2 "meta model=a,b\n" OK1, 2, "meta.model", "'a,b' is not a name of 1..63 letters, digits and ._-+/" },
	{ HDR2 "meta seq=0\n" OK1, 2, "meta.seq", "'0' is not a positive integer" },
	{ HDR2 "meta seq=12x\n" OK1, 2, "meta.seq", "'12x' is not a positive integer" },
	{ HDR2 "meta tokens=3\n" OK1, 2, "meta", "unknown key 'tokens=3' (meta takes: model, seq)" },
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
	/* version 1 has no in= and out=; version 2 lists them */
	{ HDR "gemm name=a m=1 k=1 n=1 in=input\n", 2, "gemm.in", "unknown key 'in' (gemm takes: name, m, k, n, nm)" },
	{ HDR OK1 "add name=a m=1 n=1 out=y\n", 3, "add.out", "unknown key 'out' (add takes: name, m, n)" },
	{ HDR2 "add name=a m=1 n=1 to=y\n", 2, "add.to", "unknown key 'to' (add takes: name, m, n, in, out)" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 heads=2\n", 2, "gemm.heads", "(gemm takes: name, m, k, n, nm, in, out)" },
	/* in=: as many tensors as the kind reads */
	{ HDR2 "gemm name=a m=1 k=1 n=1 in=x,y\n", 2, "gemm.in", "gemm reads 1 tensor, in= names 2" },
	{ HDR2 OK1 "matmul name=a m=1 k=1 n=1 in=x\n", 3, "matmul.in", "matmul reads 2 tensors, in= names 1" },
	{ HDR2 "matmul name=a m=1 k=1 n=1 in=x,x,x\n", 2, "matmul.in", "matmul reads 2 tensors, in= names 3" },
	{ HDR2 "softmax name=a m=1 n=1 in=x,y\n", 2, "softmax.in", "softmax reads 1 tensor, in= names 2" },
	{ HDR2 "gelu name=a m=1 n=1 in=x,y\n", 2, "gelu.in", "gelu reads 1 tensor, in= names 2" },
	{ HDR2 "layernorm name=a m=1 n=1 in=x,y\n", 2, "layernorm.in", "layernorm reads 1 tensor, in= names 2" },
	{ HDR2 "add name=a m=1 n=1 in=x\n", 2, "add.in", "add reads 2 tensors, in= names 1" },
	{ HDR2 "add name=a m=1 n=1 in=x,y,z\n", 2, "add.in", "add reads 2 tensors, in= names 3" },
	{ HDR2 "gate name=a m=1 k=1 n=2 topk=1 in=x,y\n", 2, "gate.in", "gate reads 1 tensor, in= names 2" },
	{ HDR2 "moe name=a m=1 k=1 n=1 experts=2 topk=1 in=x,y\n", 2, "moe.in", "moe reads 1 tensor, in= names 2" },
	/* tensor names: the op names' charset and length */
	{ HDR2 "gemm name=a m=1 k=1 n=1 in=x/y\n", 2, "gemm.in", "'x/y' has a character outside [A-Za-z0-9._-]" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 out=y:z\n", 2, "gemm.out", "'y:z' has a character outside" },
	{ HDR2 "add name=a m=1 n=1 in=x,\n", 2, "add.in", "empty tensor name" },
	{ HDR2 "add name=a m=1 n=1 in=,x\n", 2, "add.in", "empty tensor name" },
	{ HDR2 "add name=a m=1 n=1 in=x,y out=\n", 2, "add.out", "empty value" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 in=\n", 2, "gemm.in", "empty value" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 in="
	  "0123456789012345678901234567890123456789012345678901234567890123\n",
	  2, "gemm.in", "tensor name longer than 63 characters" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 out="
	  "0123456789012345678901234567890123456789012345678901234567890123\n",
	  2, "gemm.out", "tensor name longer than 63 characters" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 in=x in=x\n", 2, "gemm.in", "key given twice" },
	/* keys are checked in the order given: in= and out= before m= */
	{ HDR2 "matmul name=a in=x,y,z m=0 k=1 n=1\n", 2, "matmul.in", "matmul reads 2 tensors, in= names 3" },
	{ HDR2 "gemm name=a in=x/y m=0 k=1 n=1\n", 2, "gemm.in", "'x/y' has a character outside" },
	{ HDR2 "gemm name=a out=y:z m=0 k=1 n=1\n", 2, "gemm.out", "'y:z' has a character outside" },
	{ HDR2 "gemm name=a m=0 k=1 n=1 in=x/y\n", 2, "gemm.m", "0 is out of range" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 out=x out=y\n", 2, "gemm.out", "key given twice" },
	/* a tensor is written by one op only: out= names, and op names
	 * standing for the out= they leave out */
	{ HDR2 OK1 "gemm name=a m=1 k=1 n=1 out=y\n\ngemm name=b m=1 k=1 n=1 in=x out=y\n",
	  5, "gemm.out", "tensor 'y' is written twice (first by op 'a' on line 3)" },
	{ HDR2 OK1 "gemm name=a m=1 k=1 n=1\ngemm name=b m=1 k=1 n=1 out=x\n",
	  4, "gemm.out", "tensor 'x' is written twice (first by op 'x' on line 2)" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 out=b\ngemm name=c m=1 k=1 n=1\ngelu name=b m=1 n=1\n",
	  4, "gelu.out", "tensor 'b' is written twice (first by op 'a' on line 2)" },
	/* an op cannot read what it writes */
	{ HDR2 OK1 "gelu name=g m=1 n=1 in=x out=x\n", 3, "gelu.out", "'x' is both read and written by this op" },
	{ HDR2 OK1 "gelu name=g m=1 n=1 in=g\n", 3, "gelu.out", "'g' is both read and written by this op" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 out=h\ngemm name=h m=1 k=1 n=1\n", 3,
	  "gemm.out", "'h' is both read and written by this op" },
	{ HDR "gemm name=input m=1 k=1 n=1\n", 2, "gemm.out",
	  "'input' is both read and written by this op (the first op reads 'input' unless in= says otherwise)" },
	/* read before written: blamed on the reader's line */
	{ HDR2 OK1 "add name=r m=1 n=1 in=x,p\n# p comes later\ngemm name=p m=1 k=1 n=1\n",
	  3, "add.in", "'p' is read before op 'p' writes it on line 5" },
	{ HDR2 "gemm name=a m=1 k=1 n=1 in=t\ngemm name=b m=1 k=1 n=1\ngelu name=c m=1 n=1 out=t\n",
	  2, "gemm.in", "'t' is read before op 'c' writes it on line 4" },
	{ HDR "gemm name=a m=1 k=1 n=1\ngemm name=input m=1 k=1 n=1\n", 2, "gemm.in",
	  "'input' is read before op 'input' writes it on line 3 (the first op reads 'input' unless in= says otherwise)" },
	{ HDR2 "gemm name=a m=1 k=1 n=1\nadd name=b m=1 n=1 in=a,input\ngemm name=c m=1 k=1 n=1 out=input\n",
	  2, "gemm.in", "'input' is read before op 'c' writes it on line 4" },
	/* a duplicate op name is that, not a tensor written twice */
	{ HDR2 OK1 "gemm name=x m=1 k=1 n=1\n", 3, "gemm.name", "duplicate name 'x' (first used on line 2)" },
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
/* The graph: which tensors each op reads and writes */

/* One tensor as a test expects it. */
struct want_tensor {
	const char *name;
	int32_t producer;	/* op index, -1: graph input */
	int32_t last_reader;	/* op index, -1: none */
};

/* One op's tensors, by index into the tensor table. */
struct want_io {
	uint32_t n_in;
	uint32_t in[TRACE_IN_MAX];
	uint32_t out;
};

static void assert_graph(const struct trace *t, const struct want_tensor *wt,
			 size_t n_t, const struct want_io *wo)
{
	size_t i, j;

	assert_int_equal(t->n_tensors, n_t);
	for (i = 0; i < n_t; i++) {
		assert_string_equal(t->tensors[i].name, wt[i].name);
		assert_int_equal(trace_producer(t, (uint32_t)i), wt[i].producer);
		assert_int_equal(trace_last_reader(t, (uint32_t)i),
				 wt[i].last_reader);
	}
	for (i = 0; i < t->n_ops; i++) {
		assert_int_equal(t->ops[i].n_in, wo[i].n_in);
		for (j = 0; j < wo[i].n_in; j++)
			assert_int_equal(t->ops[i].in[j], wo[i].in[j]);
		assert_int_equal(t->ops[i].out, wo[i].out);
	}
}

/* A BERT-style layer with residuals, its graph spelled out (v2). */
static const char bert_layer[] = HDR2
	"layernorm name=ln1  m=8 n=16 in=x0\n"
	"gemm      name=qkv  m=8 k=16 n=48 in=ln1\n"
	"matmul    name=qk   m=8 k=4  n=8  heads=4 in=qkv,qkv\n"
	"softmax   name=sm   m=8 n=8 heads=4\n"
	"matmul    name=av   m=8 k=8  n=4  heads=4 in=sm,qkv\n"
	"gemm      name=proj m=8 k=16 n=16\n"
	"add       name=res1 m=8 n=16 in=x0,proj out=h1\n"
	"layernorm name=ln2  m=8 n=16\n"
	"gemm      name=ffn1 m=8 k=16 n=64 in=ln2\n"
	"gelu      name=gelu m=8 n=64\n"
	"gemm      name=ffn2 m=8 k=64 n=16\n"
	"add       name=res2 m=8 n=16 in=h1,ffn2 out=h2\n";

/* bert_layer's tensors in order of first use, worked out by hand. */
static const struct want_tensor bert_tensors[] = {
	{ "x0", -1, 6 }, { "ln1", 0, 1 }, { "qkv", 1, 4 }, { "qk", 2, 3 },
	{ "sm", 3, 4 }, { "av", 4, 5 }, { "proj", 5, 6 }, { "h1", 6, 11 },
	{ "ln2", 7, 8 }, { "ffn1", 8, 9 }, { "gelu", 9, 10 },
	{ "ffn2", 10, 11 }, { "h2", 11, -1 },
};
static const struct want_io bert_io[] = {
	{ 1, { 0 }, 1 }, { 1, { 1 }, 2 }, { 2, { 2, 2 }, 3 }, { 1, { 3 }, 4 },
	{ 2, { 4, 2 }, 5 }, { 1, { 5 }, 6 }, { 2, { 0, 6 }, 7 },
	{ 1, { 7 }, 8 }, { 1, { 8 }, 9 }, { 1, { 9 }, 10 }, { 1, { 10 }, 11 },
	{ 2, { 7, 11 }, 12 },
};

static void read_bert_layer(struct trace *t)
{
	struct sim_err err;

	if (read_text(bert_layer, sizeof bert_layer - 1, t, &err))
		fail_msg("%d: %s: %s", err.line, err.field, err.msg);
}

static void test_v2_graph(void **state)
{
	struct trace t;

	(void)state;
	read_bert_layer(&t);
	assert_int_equal(t.n_ops, 12);
	assert_graph(&t, bert_tensors, sizeof bert_tensors /
		     sizeof bert_tensors[0], bert_io);
	/* qkv (tensor 2) is read by qk, twice, and by av: readers 2, 4 */
	assert_int_equal(trace_next_reader(&t, 2, -1), 2);
	assert_int_equal(trace_next_reader(&t, 2, 2), 4);
	assert_int_equal(trace_next_reader(&t, 2, 4), -1);
	/* x0 (tensor 0) waits from op 0 for the residual, op 6 */
	assert_int_equal(trace_next_reader(&t, 0, -1), 0);
	assert_int_equal(trace_next_reader(&t, 0, 0), 6);
	assert_int_equal(trace_next_reader(&t, 0, 3), 6);
	assert_int_equal(trace_next_reader(&t, 0, 6), -1);
	/* h1 (tensor 7): ln2 and res2 */
	assert_int_equal(trace_next_reader(&t, 7, -1), 7);
	assert_int_equal(trace_next_reader(&t, 7, 7), 11);
	/* h2 is the layer's output: nobody reads it */
	assert_int_equal(trace_next_reader(&t, 12, -1), -1);
	trace_free(&t);
	assert_empty(&t);
	assert_null(t.tensors);
	assert_int_equal(t.n_tensors, 0);
	assert_int_equal(t.cap_tensors, 0);
	assert_null(t.tensor_names.slot);
}

/* The first ops of a trace, with the tensors they use and no more. */
static void test_truncate(void **state)
{
	/* ln1 .. proj of bert_layer: x0 is now read by ln1 only, and proj's
	 * output by nobody; h1 .. h2 are gone */
	static const struct want_tensor wt[] = {
		{ "x0", -1, 0 }, { "ln1", 0, 1 }, { "qkv", 1, 4 }, { "qk", 2, 3 },
		{ "sm", 3, 4 }, { "av", 4, 5 }, { "proj", 5, -1 },
	};
	static const char *const in[] = { "x0", "h1" };
	struct trace t;
	struct sim_err err;
	struct op op;

	(void)state;
	read_bert_layer(&t);
	trace_truncate(&t, 6);
	assert_int_equal(t.n_ops, 6);
	assert_graph(&t, wt, 7, bert_io);
	/* the names of the tensors dropped are free again */
	op = t.ops[0];
	strcpy(op.name, "again");
	op.line = 8;
	assert_int_equal(trace_push_io(&t, &op, in + 1, 1, "av", &err), -1);
	assert_string_equal(err.msg, "tensor 'av' is written twice (first by "
			    "op 'av' on line 6)");
	assert_int_equal(trace_push_io(&t, &op, in + 1, 1, "res1", &err), 0);
	assert_int_equal(t.n_tensors, 9);
	assert_string_equal(t.tensors[7].name, "h1");	/* a graph input now */
	assert_int_equal(trace_producer(&t, 7), -1);
	assert_int_equal(trace_producer(&t, 8), 6);
	op.kind = OP_ADD;
	strcpy(op.name, "res2");
	assert_int_equal(trace_push_io(&t, &op, in, 2, NULL, &err), 0);
	assert_int_equal(trace_last_reader(&t, 0), 7);
	trace_truncate(&t, 0);
	assert_int_equal(t.n_tensors, 0);
	trace_free(&t);
}

/* Version 1: every op reads the previous op's output, the first "input". */
static void test_implicit_chain_v1(void **state)
{
	static const char text[] = HDR
		"gemm name=a m=4 k=4 n=4\n"
		"matmul name=b m=4 k=4 n=4 heads=2\n"
		"add name=c m=4 n=4\n"
		"softmax name=d m=4 n=4 heads=1\n";
	static const struct want_tensor wt[] = {
		{ "input", -1, 0 }, { "a", 0, 1 }, { "b", 1, 2 }, { "c", 2, 3 },
		{ "d", 3, -1 },
	};
	static const struct want_io wo[] = {
		{ 1, { 0 }, 1 }, { 2, { 1, 1 }, 2 }, { 2, { 2, 2 }, 3 },
		{ 1, { 3 }, 4 },
	};
	struct scratch *s = *state;
	struct trace t, back;
	struct sim_err err;

	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_graph(&t, wt, 5, wo);
	/* written back as it was: version 1, no in= or out= */
	assert_int_equal(trace_write(scratch_file(s, "v1.trace"), &t, NULL,
				     &err), 0);
	assert_file_is(s->path, text, sizeof text - 1);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_same_ops(&t, &back);
	trace_free(&back);
	trace_free(&t);
}

/* Version 2: an op without in= reads the previous op's output, whatever
 * its name; without out= it writes a tensor of its own name. */
static void test_implicit_chain_v2(void **state)
{
	static const char text[] = HDR2
		"gemm name=a m=4 k=4 n=4 out=x\n"
		"gelu name=g m=4 n=4\n"
		"add name=s m=4 n=4 in=input,g\n"
		"layernorm name=ln m=4 n=4 in=x\n"
		"matmul name=mm m=4 k=4 n=4 heads=1\n"
		"gemm name=last m=4 k=4 n=4 in=mm out=last\n";
	/* what the writer gives back: in= and out= only where they differ */
	static const char want[] = HDR2
		"gemm name=a m=4 k=4 n=4 out=x\n"
		"gelu name=g m=4 n=4\n"
		"add name=s m=4 n=4 in=input,g\n"
		"layernorm name=ln m=4 n=4 in=x\n"
		"matmul name=mm m=4 k=4 n=4 heads=1\n"
		"gemm name=last m=4 k=4 n=4\n";
	static const struct want_tensor wt[] = {
		{ "input", -1, 2 }, { "x", 0, 3 }, { "g", 1, 2 }, { "s", 2, -1 },
		{ "ln", 3, 4 }, { "mm", 4, 5 }, { "last", 5, -1 },
	};
	static const struct want_io wo[] = {
		{ 1, { 0 }, 1 }, { 1, { 1 }, 2 }, { 2, { 0, 2 }, 3 },
		{ 1, { 1 }, 4 }, { 2, { 4, 4 }, 5 }, { 1, { 5 }, 6 },
	};
	struct scratch *s = *state;
	struct trace t, back;
	struct sim_err err;

	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_graph(&t, wt, 7, wo);
	assert_int_equal(trace_write(scratch_file(s, "v2.trace"), &t, NULL,
				     &err), 0);
	assert_file_is(s->path, want, sizeof want - 1);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_same_ops(&t, &back);
	trace_free(&back);
	trace_free(&t);
}

/* A v2 trace whose graph is the implicit chain is written as v1. */
static void test_v2_chain_written_v1(void **state)
{
	static const char text[] = HDR2
		"gemm name=a m=4 k=4 n=4 in=input out=a\n"
		"add name=b m=4 n=4 in=a,a\n";
	static const char want[] = HDR
		"gemm name=a m=4 k=4 n=4\n"
		"add name=b m=4 n=4\n";
	struct scratch *s = *state;
	struct trace t;
	struct sim_err err;

	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(trace_write(scratch_file(s, "c.trace"), &t, NULL,
				     &err), 0);
	assert_file_is(s->path, want, sizeof want - 1);
	trace_free(&t);
}

/* The layer written and read back: same ops, same tensors, in= and out=
 * kept only where the implicit chain would not give them. */
static void test_v2_round_trip(void **state)
{
	static const char want[] = HDR2
		"layernorm name=ln1 m=8 n=16 in=x0\n"
		"gemm name=qkv m=8 k=16 n=48\n"
		"matmul name=qk m=8 k=4 n=8 heads=4\n"
		"softmax name=sm m=8 n=8 heads=4\n"
		"matmul name=av m=8 k=8 n=4 heads=4 in=sm,qkv\n"
		"gemm name=proj m=8 k=16 n=16\n"
		"add name=res1 m=8 n=16 in=x0,proj out=h1\n"
		"layernorm name=ln2 m=8 n=16\n"
		"gemm name=ffn1 m=8 k=16 n=64\n"
		"gelu name=gelu m=8 n=64\n"
		"gemm name=ffn2 m=8 k=64 n=16\n"
		"add name=res2 m=8 n=16 in=h1,ffn2 out=h2\n";
	struct scratch *s = *state;
	struct trace t, back;
	struct sim_err err;
	unsigned char *buf;
	size_t len, i;

	read_bert_layer(&t);
	assert_int_equal(trace_write(scratch_file(s, "l.trace.gz"), &t, NULL,
				     &err), 0);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	for (i = 0; i < t.n_ops; i++)	/* the canonical form is shorter */
		back.ops[i].line = t.ops[i].line;
	assert_same_ops(&t, &back);
	assert_graph(&back, bert_tensors, sizeof bert_tensors /
		     sizeof bert_tensors[0], bert_io);
	trace_free(&t);
	assert_int_equal(trace_write(scratch_file(s, "l.trace"), &back, NULL,
				     &err), 0);
	assert_file_is(s->path, want, sizeof want - 1);
	/* and the canonical text reads back to the same bytes */
	assert_int_equal(trace_read(s->path, &t, &err), 0);
	assert_same_ops(&t, &back);
	assert_int_equal(trace_write(scratch_file(s, "l2.trace"), &t, NULL,
				     &err), 0);
	buf = get_bytes(s->path, &len);
	assert_memory_equal(buf, want, len);
	free(buf);
	trace_free(&back);
	trace_free(&t);
}

static void op_of(struct op *op, enum op_kind kind, const char *name,
		  int line)
{
	memset(op, 0, sizeof *op);
	op->kind = kind;
	snprintf(op->name, sizeof op->name, "%s", name);
	op->m = op->n = 4;
	op->k = op_is_matrix(op) ? 4 : 0;
	op->heads = op->nm_n = op->nm_m = 1;
	op->line = line;
}

/* trace_push_io: names resolved as it goes, errors leave t as it was. */
static void test_push_io(void **state)
{
	static const char *const xw[] = { "x", "w" };
	static const char *const iw[] = { "input", "w" };
	static const char *const self[] = { "mm", "w" };
	static const char *const three[] = { "a", "b", "c" };
	static const char *const bad[] = { "no/slash" };
	struct trace t = { 0 };
	struct sim_err err;
	struct op op;

	(void)state;
	op_of(&op, OP_GEMM, "q", 7);
	assert_int_equal(trace_push_io(&t, &op, NULL, 0, "x", &err), 0);
	/* tensors: 0 input (read by q), 1 x (q's) */
	op_of(&op, OP_MATMUL, "mm", 8);
	assert_int_equal(trace_push_io(&t, &op, three, 3, NULL, &err), -1);
	assert_int_equal(err.line, 8);
	assert_string_equal(err.field, "matmul.in");
	assert_string_equal(err.msg, "matmul reads 2 tensors, in= names 3");
	assert_int_equal(trace_push_io(&t, &op, bad, 1, NULL, &err), -1);
	assert_string_equal(err.msg, "matmul reads 2 tensors, in= names 1");
	assert_int_equal(trace_push_io(&t, &op, iw, 2, "x", &err), -1);
	assert_string_equal(err.field, "matmul.out");
	assert_string_equal(err.msg, "tensor 'x' is written twice (first by "
			    "op 'q' on line 7)");
	assert_int_equal(trace_push_io(&t, &op, self, 2, NULL, &err), -1);
	assert_string_equal(err.field, "matmul.out");
	assert_string_equal(err.msg, "'mm' is both read and written by this op");
	/* input was read by q: the error is q's, on q's line */
	assert_int_equal(trace_push_io(&t, &op, xw, 2, "input", &err), -1);
	assert_int_equal(err.line, 7);
	assert_string_equal(err.field, "gemm.in");
	assert_string_equal(err.msg, "'input' is read before op 'mm' writes it "
			    "on line 8 (the first op reads 'input' unless in= "
			    "says otherwise)");
	assert_int_equal(t.n_ops, 1);
	assert_int_equal(t.n_tensors, 2);	/* nothing added by a failure */
	op.in[0] = 99;		/* ignored: the push sets n_in, in, out */
	op.n_in = 7;
	assert_int_equal(trace_push_io(&t, &op, xw, 2, NULL, &err), 0);
	/* tensors: 2 w (a graph input), 3 mm */
	op_of(&op, OP_GELU, "g", 9);
	assert_int_equal(trace_push_io(&t, &op, bad, 1, NULL, &err), -1);
	assert_string_equal(err.field, "gelu.in");
	assert_string_equal(err.msg, "'no/slash' has a character outside "
			    "[A-Za-z0-9._-]");
	assert_int_equal(trace_push_io(&t, &op, NULL, 0, "y z", &err), -1);
	assert_string_equal(err.field, "gelu.out");
	assert_string_equal(err.msg, "'y z' has a character outside "
			    "[A-Za-z0-9._-]");
	strcpy(op.name, "g g");	/* its implicit output */
	assert_int_equal(trace_push(&t, &op), -1);
	strcpy(op.name, "g");
	assert_int_equal(trace_push_io(&t, &op, NULL, 0, "w", &err), -1);
	assert_int_equal(err.line, 8);
	assert_string_equal(err.field, "matmul.in");
	assert_string_equal(err.msg, "'w' is read before op 'g' writes it on "
			    "line 9");
	/* the implicit chain: mm's output, twice for an add */
	op_of(&op, OP_ADD, "s", 10);
	assert_int_equal(trace_push(&t, &op), 0);
	assert_int_equal(t.n_ops, 3);
	assert_int_equal(t.n_tensors, 5);
	assert_string_equal(t.tensors[2].name, "w");
	assert_int_equal(trace_producer(&t, 2), -1);
	assert_int_equal(trace_last_reader(&t, 2), 1);
	assert_int_equal(t.ops[1].n_in, 2);
	assert_int_equal(t.ops[1].in[0], 1);
	assert_int_equal(t.ops[1].in[1], 2);
	assert_int_equal(t.ops[1].out, 3);
	assert_int_equal(t.ops[2].n_in, 2);
	assert_int_equal(t.ops[2].in[0], 3);
	assert_int_equal(t.ops[2].in[1], 3);
	assert_int_equal(t.ops[2].out, 4);
	assert_string_equal(t.tensors[4].name, "s");
	assert_int_equal(trace_last_reader(&t, 3), 2);
	assert_int_equal(trace_last_reader(&t, 4), -1);
	/* an op named after a tensor read or written already */
	op_of(&op, OP_GELU, "w", 11);
	assert_int_equal(trace_push(&t, &op), -1);
	op_of(&op, OP_GELU, "x", 11);
	assert_int_equal(trace_push(&t, &op), -1);
	op_of(&op, OP_GELU, "input", 11);
	assert_int_equal(trace_push(&t, &op), -1);
	assert_int_equal(t.n_ops, 3);
	assert_int_equal(t.n_tensors, 5);
	trace_free(&t);
	assert_empty(&t);
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
	/* the zoo's graph is not the implicit chain (A.V reads qkv) */
	static const char head[] = HDR2
		"meta model=bert-base seq=128\n"
		"layernorm name=l0.ln1 m=128 n=768\n"
		"gemm name=l0.qkv m=128 k=768 n=2304 nm=2:4\n"
		"matmul name=l0.qk m=128 k=64 n=128 heads=12\n"
		"softmax name=l0.sm m=128 n=128 heads=12\n";
	struct scratch *s = *state;
	unsigned char *buf;
	size_t len;
	struct trace back;
	struct sim_err err;

	round_trip(s, "bert.trace");
	buf = get_bytes(s->path, &len);
	assert_true(len > sizeof head);
	assert_memory_equal(buf, head, sizeof head - 1);
	free(buf);
	/* the meta line read back: what results call model and seq */
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_string_equal(back.model, "bert-base");
	assert_int_equal(back.seq, 128);
	trace_free(&back);
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

	assert_int_equal(read_text(text, sizeof text - 1, &t, &err), 0);
	assert_int_equal(trace_write(scratch_file(s, "c.trace"), &t,
				     "made by a test\n\nthird line\n", &err), 0);
	assert_file_is(s->path, want, sizeof want - 1);
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
	/* header, comment 4094 + 4094 + 812 + 5, meta */
	assert_int_equal(back.ops[0].line, 2 + 4 + 1);
	t.ops[2].heads = 0;
	assert_int_equal(trace_write(scratch_file(s, "l.trace.gz"), &t, comment,
				     &err), -1);
	assert_int_equal(err.line, 2 + 4 + 1 + 2);
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
	/* ops: 0 ln1, 1 qkv, 2 qk, 3 sm, 4 av, 5 proj; op i on line i + 3
	 * after the header and the meta line (+ 2 with a two-line comment) */
	strcpy(t.ops[5].name, "bad name");
	assert_int_equal(trace_write(path, &t, "one\ntwo", &err), -1);
	assert_int_equal(err.line, 3 + 2 + 5);
	assert_string_equal(err.field, "gemm.name");
	strcpy(t.ops[5].name, "l0.qkv");
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 3 + 5);
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
	assert_int_equal(err.line, 3 + 2);
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


/* The writer refuses a graph the reader would not build. */
static void test_write_graph_refuses(void **state)
{
	struct scratch *s = *state;
	struct trace t;
	struct sim_err err;
	char path[sizeof s->path];

	read_bert_layer(&t);
	strf(path, sizeof path, "%s", scratch_file(s, "g.trace"));
	/* ops 0 ln1 .. 11 res2 on lines 2 .. 13; tensors as bert_tensors */
	t.ops[1].in[0] = 5;		/* qkv reads av, op 4's */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.field, "gemm.in");
	assert_string_equal(err.msg, "'av' is read before op 5 writes it");
	t.ops[1].in[0] = 2;		/* qkv reads its own output */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "gemm.in");
	assert_string_equal(err.msg, "'qkv' is read before op 2 writes it");
	t.ops[1].in[0] = 1;
	t.ops[2].n_in = 1;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.field, "matmul.in");
	assert_string_equal(err.msg, "matmul reads 2 tensors, in= names 1");
	t.ops[2].n_in = 2;
	t.ops[2].in[1] = 13;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.msg, "tensor 13 is not in the trace's 13 "
			    "tensors");
	t.ops[2].in[1] = 2;
	t.ops[3].out = 0;		/* sm writes x0, a graph input */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 5);
	assert_string_equal(err.field, "softmax.out");
	assert_string_equal(err.msg, "tensor 'x0' is a graph input, which no "
			    "op writes");
	t.ops[3].out = 3;		/* sm writes qk's output, which it reads */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "softmax.out");
	assert_string_equal(err.msg, "'qk' is both read and written by this op");
	t.ops[3].in[0] = 2;
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "softmax.out");
	assert_string_equal(err.msg, "tensor 'qk' is written by op 3, not by "
			    "this one");
	t.ops[3].in[0] = 3;
	t.ops[3].out = 4;
	t.ops[5].out = 5;		/* proj writes av, which it reads */
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_string_equal(err.field, "gemm.out");
	assert_string_equal(err.msg, "'av' is both read and written by this op");
	t.ops[5].out = 6;
	strcpy(t.tensors[9].name, "ffn 1");
	assert_int_equal(trace_write(path, &t, NULL, &err), -1);
	assert_int_equal(err.line, 10);
	assert_string_equal(err.field, "gemm.out");
	assert_non_null(strstr(err.msg, "outside"));
	strcpy(t.tensors[9].name, "ffn1");
	assert_int_equal(count_entries(s->dir), 0);
	assert_int_equal(trace_write(path, &t, NULL, &err), 0);
	trace_free(&t);
}

/* Ops put in place by hand, without a tensor table: the implicit chain. */
static void test_write_unlinked(void **state)
{
	static const char want[] = HDR
		"gemm name=a m=4 k=4 n=4\n"
		"add name=b m=4 n=4\n";
	struct scratch *s = *state;
	struct trace t = { 0 }, back;
	struct op ops[2];
	struct sim_err err;

	op_of(&ops[0], OP_GEMM, "a", 2);
	op_of(&ops[1], OP_ADD, "b", 3);
	ops[1].n_in = 1;		/* nonsense without a table: ignored */
	ops[1].out = 9;
	t.ops = ops;
	t.n_ops = t.cap = 2;
	assert_int_equal(trace_write(scratch_file(s, "u.trace"), &t, NULL,
				     &err), 0);
	assert_file_is(s->path, want, sizeof want - 1);
	assert_int_equal(trace_read(s->path, &back, &err), 0);
	assert_int_equal(back.n_tensors, 3);	/* input, a, b */
	assert_int_equal(back.ops[1].in[1], 1);
	trace_free(&back);
}

/* A line the reader would refuse as too long is refused before writing. */
static void test_write_long_line(void **state)
{
	struct scratch *s = *state;
	struct trace t = { 0 };
	struct sim_err err;
	struct op op;
	uint16_t v[2 * 1200];
	int64_t off;
	size_t i;

	/* 1200 tokens of "10.11," are 7200 bytes of assign= */
	for (i = 0; i < 2 * 1200; i++)
		v[i] = (uint16_t)(10 + i % 2);
	op_of(&op, OP_MOE, "m", 2);
	op.m = 1200;
	op.experts = 16;
	op.topk = 2;
	op.routing = ROUTE_LIST;
	op.k = 4;
	off = trace_assign_add(&t, v, 2 * 1200);
	assert_true(off == 0);
	op.assign_off = 0;
	op.assign_len = 2 * 1200;
	op.assign_per = 2;
	assert_int_equal(trace_push(&t, &op), 0);
	assert_int_equal(trace_write(scratch_file(s, "long.trace"), &t, NULL,
				     &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "line longer than 4096 bytes");
	assert_int_equal(count_entries(s->dir), 0);
	/* 600 tokens: 3600 bytes, written and read back */
	t.ops[0].m = 600;
	t.ops[0].assign_len = 2 * 600;
	assert_int_equal(trace_write(s->path, &t, NULL, &err), 0);
	trace_free(&t);
	assert_int_equal(trace_read(s->path, &t, &err), 0);
	assert_int_equal(t.ops[0].assign_len, 1200);
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
		assert_int_equal(op->line, (int)i + 3);	/* header, meta */
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
		cmocka_unit_test(test_v2_graph),
		cmocka_unit_test(test_truncate),
		scratch_test(test_implicit_chain_v1),
		scratch_test(test_implicit_chain_v2),
		scratch_test(test_v2_chain_written_v1),
		scratch_test(test_v2_round_trip),
		cmocka_unit_test(test_push_io),
		scratch_test(test_round_trip_plain),
		scratch_test(test_round_trip_gz),
		scratch_test(test_write_canonical),
		scratch_test(test_write_long_comment),
		scratch_test(test_write_deterministic),
		scratch_test(test_gz_truncated),
		scratch_test(test_gz_corrupt),
		scratch_test(test_gz_by_content),
		scratch_test(test_write_refuses),
		scratch_test(test_write_graph_refuses),
		scratch_test(test_write_unlinked),
		scratch_test(test_write_long_line),
		cmocka_unit_test(test_zoo_bert),
		cmocka_unit_test(test_zoo_nm_and_seq),
		cmocka_unit_test(test_zoo_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
