/*
 * test_lib.c - cmocka suite for sim/lib/: the .npy reader and writer, file
 * slurping, strict numbers, the INI reader.
 *
 * Every test works in its own scratch directory (testutil.h). The .npy
 * reader is checked on the writer's files (round trip of every type and
 * rank, the data 64-byte aligned after a header ending in a newline), on
 * hand-made headers (key order, spacing, trailing commas) and on one
 * table of bad files, each with a piece of the expected message.
 */
#include "testutil.h"

#include <errno.h>

#include "lib/ini.h"
#include "lib/npy.h"
#include "lib/num.h"
#include "lib/slurp.h"

/* A v1.0 file: magic, header dict padded to 64, then len data bytes. */
static void put_npy(const char *path, const char *dict, const void *data,
		    size_t len)
{
	unsigned char buf[4096];
	size_t dl = strlen(dict), hl = dl + 1, pad = (64 - (10 + hl) % 64) % 64;

	hl += pad;
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (unsigned char)(hl & 0xff);
	buf[9] = (unsigned char)(hl >> 8);
	memcpy(buf + 10, dict, dl);
	memset(buf + 10 + dl, ' ', pad);
	buf[10 + hl - 1] = '\n';
	memcpy(buf + 10 + hl, data, len);
	put_bytes(path, buf, 10 + hl + len);
}

/* The writer's file at path: a v1.0 header ending in '\n' that puts the
 * data bytes (exactly data of them) on a 64-byte boundary. */
static void check_layout(const char *path, size_t data)
{
	size_t len, hl;
	char *buf = slurp_text(path, &len);

	assert_non_null(buf);
	assert_true(len >= 10);
	assert_memory_equal(buf, "\x93NUMPY\x01\x00", 8);
	hl = (unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8;
	assert_int_equal((10 + hl) % 64, 0);
	assert_int_equal(len, 10 + hl + data);
	assert_true(buf[10 + hl - 1] == '\n');
	free(buf);
}

static void test_npy_round_trip(void **state)
{
	struct scratch *s = *state;
	static const enum npy_type types[] = { NPY_I8, NPY_I16, NPY_I32, NPY_U8 };
	int32_t src[2 * 3 * 4 * 5];
	uint64_t shape[4] = { 2, 3, 4, 5 };
	struct npy_array a;
	struct sim_err err;
	int t, nd;
	uint64_t i, count;

	for (i = 0; i < 120; i++)
		src[i] = (int32_t)(i * 2654435761u) >> (i % 24);
	for (t = 0; t < 4; t++)
		for (nd = 1; nd <= 4; nd++) {
			for (count = 1, i = 0; i < (uint64_t)nd; i++)
				count *= shape[i];
			assert_int_equal(npy_write(scratch_file(s, "a.npy"),
						   types[t], shape, nd, src, 4,
						   &err), 0);
			check_layout(s->path, count * npy_type_size(types[t]));
			assert_int_equal(npy_read(s->path, &a, &err), 0);
			assert_int_equal(a.type, types[t]);
			assert_int_equal(a.ndim, nd);
			assert_int_equal(a.count, count);
			for (i = 0; i < (uint64_t)nd; i++)
				assert_int_equal(a.shape[i], shape[i]);
			for (i = 0; i < count; i++) {
				int32_t w = types[t] == NPY_I8 ? (int8_t)src[i] :
					    types[t] == NPY_I16 ? (int16_t)src[i] :
					    types[t] == NPY_U8 ? (uint8_t)src[i] :
					    src[i];
				assert_int_equal(npy_get(&a, i), w);
			}
			npy_array_free(&a);
			assert_null(a.data);
		}
}

static void test_npy_sign_and_order(void **state)
{
	struct scratch *s = *state;
	static const unsigned char d[] = { 0xff, 0xff, 0x00, 0x80,
					   0x01, 0x00, 0x00, 0x00 };
	struct npy_array a;
	struct sim_err err;

	put_npy(scratch_file(s, "x.npy"), "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}",
		d, sizeof d);
	assert_int_equal(npy_read(s->path, &a, &err), 0);
	assert_int_equal(npy_get(&a, 0), (int32_t)0x8000ffffu);
	assert_int_equal(npy_get(&a, 1), 1);
	assert_int_equal(((int32_t *)a.data)[1], 1);
	npy_array_free(&a);
	put_npy(s->path, "{\"descr\":\"|u1\",\"fortran_order\":False,\"shape\":(2,2),}",
		d, 4);
	assert_int_equal(npy_read(s->path, &a, &err), 0);
	assert_int_equal(a.ndim, 2);
	assert_int_equal(npy_get(&a, 0), 255);
	assert_int_equal(npy_get(&a, 3), 128);
	npy_array_free(&a);
	put_npy(s->path, "{'descr': '<i2', 'fortran_order': False, 'shape': (0, 3), }",
		d, 0);
	assert_int_equal(npy_read(s->path, &a, &err), 0);
	assert_int_equal(a.count, 0);
	npy_array_free(&a);
}

/* Bad files: dict (NULL = raw bytes below), data bytes, message piece. */
static const struct {
	const char *dict;	/* header dict, or NULL to write raw */
	const char *raw;	/* the whole file when dict is NULL */
	size_t data;		/* data bytes after the header, or raw's length */
	const char *msg;	/* piece of the expected message */
} npy_bad[] = {
	{ NULL, "hello world, not numpy", 22, "magic" },
	{ NULL, "\x93NUMPY\x02\x00\x10\x00", 10, "version 2.0" },
	{ NULL, "\x93NUM", 4, "magic" },
	{ "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", NULL, 8, "header" },
	{ "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': True, 'shape': (2,), }", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", NULL, 4, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (1,1,1,1,1), }", NULL, 4, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, }", NULL, 4, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (-2,), }", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,), }", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (4611686018427387904,), }", NULL, 8, "header" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", NULL, 7, "promises 8 data bytes, file holds 7" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", NULL, 9, "promises 8 data bytes, file holds 9" },
	{ "{'descr': '<i4', 'fortran_order': False, 'shape': (2,3), }", NULL, 8, "promises 24" },
};

static void test_npy_bad(void **state)
{
	struct scratch *s = *state;
	static const unsigned char zero[64];
	struct npy_array a;
	struct sim_err err;
	size_t i;

	for (i = 0; i < sizeof npy_bad / sizeof npy_bad[0]; i++) {
		scratch_file(s, "bad.npy");
		if (npy_bad[i].dict)
			put_npy(s->path, npy_bad[i].dict, zero, npy_bad[i].data);
		else
			put_bytes(s->path, npy_bad[i].raw, npy_bad[i].data);
		memset(&err, 0, sizeof err);
		assert_int_equal(npy_read(s->path, &a, &err), -1);
		assert_null(a.data);
		assert_string_equal(err.file, s->path);
		assert_string_equal(err.field, "npy");
		if (!strstr(err.msg, npy_bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, npy_bad[i].msg);
	}
	assert_int_equal(npy_read(scratch_file(s, "missing.npy"), &a, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_slurp(void **state)
{
	struct scratch *s = *state;
	char *t;
	size_t n = 7;

	put_bytes(scratch_file(s, "t.txt"), "abc\0def", 7);
	t = slurp_file(s->path, 100, &n);
	assert_non_null(t);
	assert_int_equal(n, 7);
	assert_memory_equal(t, "abc\0def", 8);
	free(t);
	errno = 0;
	assert_null(slurp_file(s->path, 6, &n));
	assert_int_equal(errno, EFBIG);
	t = slurp_file(s->path, 7, NULL);
	assert_non_null(t);
	free(t);
	assert_null(slurp_file(scratch_file(s, "none"), 100, NULL));
	assert_int_equal(errno, ENOENT);
	put_bytes(scratch_file(s, "empty"), "", 0);
	t = slurp_file(s->path, 0, &n);
	assert_non_null(t);
	assert_int_equal(n, 0);
	assert_int_equal(t[0], 0);
	free(t);
}

static void test_num(void **state)
{
	uint64_t u = 5;
	double d = 5;

	(void)state;
	assert_int_equal(num_u64("18446744073709551615", &u), 0);
	assert_true(u == UINT64_MAX);
	u = 5;
	assert_int_equal(num_u64("18446744073709551616", &u), 1);
	assert_int_equal(num_u64("", &u), -1);
	assert_int_equal(num_u64("+1", &u), -1);
	assert_int_equal(num_u64(" 1", &u), -1);
	assert_int_equal(num_u64("1x", &u), -1);
	assert_int_equal(u, 5);
	assert_int_equal(num_double("1.5e3", &d), 0);
	assert_true(d == 1500);
	assert_int_equal(num_double(" 2", &d), 0);
	assert_int_equal(num_double("2 ", &d), -1);
	assert_int_equal(num_double("", &d), -1);
	assert_int_equal(num_double("inf", &d), -1);
	assert_int_equal(num_double("1e999", &d), -1);
	assert_int_equal(num_double("nan", &d), -1);
	assert_int_equal(num_double_blank("\t 3 \t", &d), 0);
	assert_true(d == 3);
	assert_int_equal(num_double_blank("  ", &d), -1);
	assert_int_equal(num_double_blank("3 x", &d), -1);
}

/* What the INI reader handed over: "sect.name=val@line" per pair. */
struct ini_log {
	char text[1024];	/* pairs, each followed by ';' */
	int headers;		/* header callbacks seen */
};

static void log_header(struct ini *p, const char *sect)
{
	(void)sect;
	((struct ini_log *)p->user)->headers++;
}

static int log_pair(struct ini *p, const char *sect, const char *name,
		    const char *val)
{
	struct ini_log *l = p->user;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof l->text - n, "%s.%s=%s@%d%s;", sect, name,
		 val, p->line, p->indented ? "i" : "");
	return strcmp(val, "bad") ? 1 : 0;	/* "bad": a handler failure */
}

static const char *const ini_sects[] = { "a", "b", NULL };

/* Parse text with flags; returns ini_parse's status, the log in *l. */
static int ini_text(const char *text, unsigned flags, struct ini_log *l,
		    struct sim_err *err)
{
	struct ini_ops ops = {
		.sects = ini_sects, .flags = flags, .header = log_header,
		.pair = log_pair,
	};
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	memset(l, 0, sizeof *l);
	memset(err, 0, sizeof *err);
	rc = ini_parse(f, "t.ini", &ops, l, err);
	fclose(f);
	return rc;
}

static void test_ini(void **state)
{
	char longer[400], vs[256], msg[700];
	struct sim_err err;
	struct ini_log l;

	(void)state;
	assert_int_equal(ini_text("\xEF\xBB\xBF; c\n# c\n[a]\nx = 1 ; note\n"
				  "y: 2;3\n\n[b]\nz=\n", 0, &l, &err), 0);
	assert_string_equal(l.text, "a.x=1@4;a.y=2;3@5;b.z=@8;");
	assert_int_equal(l.headers, 2);
	/* a continuation is handed over whole, inline comment included */
	assert_int_equal(ini_text("[a]\nx = 1,\n  2 ; c\n", 0, &l, &err), 0);
	assert_string_equal(l.text, "a.x=1,@2;a.x=2 ; c@3i;");
	assert_int_equal(ini_text("[a]\nx = 1\n \ry = 2\n", INI_CR_UNINDENTS,
				  &l, &err), 0);
	assert_string_equal(l.text, "a.x=1@2;a.x=y = 2@3;");
	/* 197 characters and CR LF fit; 199 and a newline do not */
	memset(vs, 'v', sizeof vs - 1);
	vs[sizeof vs - 1] = '\0';
	snprintf(longer, sizeof longer, "[a]\nx = %.193s\r\n", vs);
	assert_int_equal(ini_text(longer, 0, &l, &err), 0);
	snprintf(longer, sizeof longer, "[a]\nx = %.195s\n", vs);
	assert_int_equal(ini_text(longer, 0, &l, &err), -1);
	err_format(&err, msg, sizeof msg);
	assert_string_equal(msg, "t.ini:2: line longer than 197 characters");
	/* a header alone is checked; a key's unknown section is blamed on it */
	assert_int_equal(ini_text("[a]\n[c]\n", 0, &l, &err), -1);
	err_format(&err, msg, sizeof msg);
	assert_string_equal(msg, "t.ini:2: c: unknown section [c] (known sections: a, b)");
	/* a name too long to check as a header: inih keeps 49 characters */
	snprintf(longer, sizeof longer, "[%.70s]\nx = 1\n", vs);
	assert_int_equal(ini_text(longer, INI_BARE_SECTION, &l, &err), -1);
	snprintf(longer, sizeof longer, "t.ini:1: %.49s: unknown section [%.49s]",
		 vs, vs);
	err_format(&err, msg, sizeof msg);
	assert_string_equal(msg, longer);
	assert_int_equal(ini_text("x = 1\n", 0, &l, &err), -1);
	assert_string_equal(err.msg, "key 'x' comes before any [section]");
	assert_int_equal(ini_text("[a]\n= 1\n", 0, &l, &err), -1);
	assert_string_equal(err.msg, "line has no key name before '='");
	/* syntax errors: the earliest line wins, ours on a tie */
	assert_int_equal(ini_text("[a]\njunk\nx = bad\n", 0, &l, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "syntax error (expected [section], key = value or a ; comment)");
	assert_int_equal(ini_text("[a\n\f[c]\nx = 1\n", 0, &l, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "unknown section [c]"));
	assert_int_equal(ini_load("/nonexistent/t.ini", &(struct ini_ops){
		.sects = ini_sects, .pair = log_pair }, &l, &err), -1);
	assert_non_null(strstr(err.msg, "cannot open: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		scratch_test(test_npy_round_trip),
		scratch_test(test_npy_sign_and_order),
		scratch_test(test_npy_bad),
		scratch_test(test_slurp),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_ini),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
