/*
 * lib/npy.c - NumPy .npy writer and reader (see npy.h).
 *
 * Header: magic "\x93NUMPY", version 1.0, a little-endian uint16 length,
 * then a Python dict literal padded with spaces so that the data starts on a
 * 64-byte boundary, ending in '\n'. Invariant of the reader: a returned
 * array's data holds exactly count elements, count = product of shape, and
 * the file held exactly that many bytes after its header.
 */
#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"

static const char *const descrs[] = { "|i1", "<i2", "<i4", "|u1" };

size_t npy_type_size(enum npy_type t)
{
	static const size_t s[] = { 1, 2, 4, 1 };

	return s[t];
}

static int64_t load(const void *src, size_t size, uint64_t i)
{
	if (size == 1)
		return ((const int8_t *)src)[i];
	if (size == 2)
		return ((const int16_t *)src)[i];
	return ((const int32_t *)src)[i];
}

static void store(uint8_t *dst, enum npy_type t, int64_t v)
{
	uint32_t u = (uint32_t)v;
	size_t i;

	for (i = 0; i < npy_type_size(t); i++)
		dst[i] = (uint8_t)(u >> (8 * i));
}

static int header(FILE *f, enum npy_type t, const uint64_t *shape, int ndim)
{
	char dict[512], sh[256] = "";
	size_t len, pad;
	int i;

	for (i = 0; i < ndim; i++) {
		size_t o = strlen(sh);

		snprintf(sh + o, sizeof sh - o, "%llu,%s",
			 (unsigned long long)shape[i], i + 1 < ndim ? " " : "");
	}
	if (ndim > 1)
		sh[strlen(sh) - 1] = 0;
	snprintf(dict, sizeof dict,
		 "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
		 descrs[t], sh);
	len = strlen(dict);
	pad = 64 - (10 + len + 1) % 64;
	if (pad == 64)
		pad = 0;
	fwrite("\x93NUMPY\x01\x00", 1, 8, f);
	fputc((int)((len + pad + 1) & 0xff), f);
	fputc((int)((len + pad + 1) >> 8), f);
	fputs(dict, f);
	while (pad--)
		fputc(' ', f);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

static int body(FILE *f, enum npy_type t, uint64_t count, const void *src,
		size_t src_size)
{
	uint8_t buf[4096];
	size_t es = npy_type_size(t), used = 0;
	uint64_t i;

	for (i = 0; i < count; i++) {
		store(buf + used, t, load(src, src_size, i));
		used += es;
		if (used + es > sizeof buf) {
			fwrite(buf, 1, used, f);
			used = 0;
		}
	}
	fwrite(buf, 1, used, f);
	return ferror(f) ? -1 : 0;
}

int npy_write(const char *path, enum npy_type type, const uint64_t *shape,
	      int ndim, const void *src, size_t src_size, struct sim_err *err)
{
	struct afile a;
	uint64_t count = 1;
	int i;

	for (i = 0; i < ndim; i++)
		count *= shape[i];
	if (afile_open(&a, path, "--dump", err))
		return -1;
	if (header(a.f, type, shape, ndim) == 0)
		body(a.f, type, count, src, src_size);
	return afile_commit(&a, "--dump", err);
}

/* ---- reader ---- */

/* The reader's cursor over the header dict. */
struct dict {
	const char *p;		/* next character */
	const char *end;	/* one past the dict's last byte */
};

static void skip_space(struct dict *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\n'))
		d->p++;
}

/* Consume the word w after optional space; 0 or -1. */
static int eat(struct dict *d, const char *w)
{
	size_t n = strlen(w);

	skip_space(d);
	if ((size_t)(d->end - d->p) < n || memcmp(d->p, w, n))
		return -1;
	d->p += n;
	return 0;
}

/* A quoted Python string into buf (at most len - 1 bytes); 0 or -1. */
static int quoted(struct dict *d, char *buf, size_t len)
{
	char q;
	size_t n = 0;

	skip_space(d);
	if (d->p >= d->end || (*d->p != '\'' && *d->p != '"'))
		return -1;
	q = *d->p++;
	while (d->p < d->end && *d->p != q) {
		if (n + 1 >= len)
			return -1;
		buf[n++] = *d->p++;
	}
	if (d->p >= d->end)
		return -1;
	d->p++;
	buf[n] = 0;
	return 0;
}

static int descr_type(const char *s, enum npy_type *t)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, descrs[i])) {
			*t = (enum npy_type)i;
			return 0;
		}
	return -1;
}

/* A decimal dimension, no sign; 0 or -1. */
static int dim(struct dict *d, uint64_t *v)
{
	uint64_t x = 0;
	const char *start;

	skip_space(d);
	start = d->p;
	while (d->p < d->end && *d->p >= '0' && *d->p <= '9') {
		uint64_t k = (uint64_t)(*d->p - '0');

		if (x > (UINT64_MAX - k) / 10)
			return -1;
		x = x * 10 + k;
		d->p++;
	}
	*v = x;
	return d->p == start ? -1 : 0;
}

/* "(d0, d1, ...)" with an optional trailing comma; 0 or -1. */
static int shape(struct dict *d, struct npy_array *a)
{
	if (eat(d, "("))
		return -1;
	a->ndim = 0;
	while (eat(d, ")")) {
		if (a->ndim == NPY_NDIM_MAX || dim(d, &a->shape[a->ndim]))
			return -1;
		a->ndim++;
		if (eat(d, ","))
			return eat(d, ")");
	}
	return a->ndim ? 0 : -1;
}

/* One "'key': value" pair; sets the bit of the key it read in *seen. */
static int pair(struct dict *d, struct npy_array *a, unsigned *seen)
{
	char key[32], val[16];

	if (quoted(d, key, sizeof key) || eat(d, ":"))
		return -1;
	if (!strcmp(key, "descr")) {
		*seen |= 1;
		return quoted(d, val, sizeof val) || descr_type(val, &a->type);
	}
	if (!strcmp(key, "fortran_order")) {
		*seen |= 2;
		return eat(d, "False");
	}
	if (!strcmp(key, "shape")) {
		*seen |= 4;
		return shape(d, a);
	}
	return -1;
}

/* The header dict: exactly descr (a known type), fortran_order False, shape. */
static int parse_dict(const char *text, size_t len, struct npy_array *a)
{
	struct dict d = { text, text + len };
	unsigned seen = 0;

	if (eat(&d, "{"))
		return -1;
	while (eat(&d, "}")) {
		if (pair(&d, a, &seen))
			return -1;
		if (eat(&d, ",")) {
			if (eat(&d, "}"))
				return -1;
			break;
		}
	}
	skip_space(&d);
	return seen == 7 && d.p == d.end ? 0 : -1;
}

/* count = product of shape, refusing overflow of the byte size. */
static int element_count(struct npy_array *a)
{
	uint64_t n = 1, lim = UINT64_MAX / npy_type_size(a->type);
	int i;

	for (i = 0; i < a->ndim; i++) {
		if (a->shape[i] && n > lim / a->shape[i])
			return -1;
		n *= a->shape[i];
	}
	a->count = n;
	return 0;
}

/* Bytes in f from the current position to the end; -1 when unknown. */
static long remaining(FILE *f)
{
	long here = ftell(f), end;

	if (here < 0 || fseek(f, 0, SEEK_END))
		return -1;
	end = ftell(f);
	if (end < 0 || fseek(f, here, SEEK_SET))
		return -1;
	return end - here;
}

/* Little-endian file bytes to host-order elements, in place. */
static void to_host(struct npy_array *a)
{
	uint8_t *b = a->data;
	size_t es = npy_type_size(a->type);
	uint64_t i;

	if (es == 2)
		for (i = 0; i < a->count; i++)
			((uint16_t *)a->data)[i] = (uint16_t)(b[2 * i] |
					(b[2 * i + 1] << 8));
	else if (es == 4)
		for (i = 0; i < a->count; i++)
			((uint32_t *)a->data)[i] = (uint32_t)b[4 * i] |
				(uint32_t)b[4 * i + 1] << 8 |
				(uint32_t)b[4 * i + 2] << 16 |
				(uint32_t)b[4 * i + 3] << 24;
}

/* Magic, version and header dict; leaves f at the data. */
static int read_header(FILE *f, const char *path, struct npy_array *a,
		       struct sim_err *err)
{
	unsigned char pre[10];
	char *dict;
	size_t hlen;
	int bad;

	if (fread(pre, 1, sizeof pre, f) != sizeof pre ||
	    memcmp(pre, "\x93NUMPY", 6))
		return err_set(err, path, 0, "npy", "not a .npy file (no \\x93NUMPY magic)");
	if (pre[6] != 1 || pre[7] != 0)
		return err_set(err, path, 0, "npy", "format version %u.%u, only 1.0 is read",
			       pre[6], pre[7]);
	hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
	if (hlen > NPY_HEADER_MAX)
		return err_set(err, path, 0, "npy", "header of %zu bytes, over 64 KiB", hlen);
	if (!(dict = malloc(hlen + 1)))
		return err_set(err, path, 0, "npy", "out of memory");
	bad = fread(dict, 1, hlen, f) != hlen;
	if (!bad)
		bad = parse_dict(dict, hlen, a) || element_count(a);
	free(dict);
	if (bad)
		return err_set(err, path, 0, "npy",
			       "header is not a little-endian C-order dict of |i1, <i2, <i4 or |u1 with 1..4 dimensions");
	return 0;
}

static int read_data(FILE *f, const char *path, struct npy_array *a,
		     struct sim_err *err)
{
	uint64_t bytes = a->count * npy_type_size(a->type);
	long left = remaining(f);

	if (left < 0 || (uint64_t)left != bytes)
		return err_set(err, path, 0, "npy",
			       "header promises %llu data bytes, file holds %ld",
			       (unsigned long long)bytes, left);
	if (bytes > SIZE_MAX || !(a->data = malloc(bytes ? (size_t)bytes : 1)))
		return err_set(err, path, 0, "npy", "out of memory");
	if (fread(a->data, 1, (size_t)bytes, f) != bytes)
		return err_set(err, path, 0, "npy", "read error");
	to_host(a);
	return 0;
}

int npy_read(const char *path, struct npy_array *a, struct sim_err *err)
{
	FILE *f = fopen(path, "rb");

	memset(a, 0, sizeof *a);
	if (!f)
		return err_set(err, path, 0, "npy", "cannot open: %s", strerror(errno));
	if (read_header(f, path, a, err) || read_data(f, path, a, err)) {
		fclose(f);
		npy_array_free(a);
		return -1;
	}
	fclose(f);
	return 0;
}

int32_t npy_get(const struct npy_array *a, uint64_t i)
{
	switch (a->type) {
	case NPY_I8:
		return ((const int8_t *)a->data)[i];
	case NPY_I16:
		return ((const int16_t *)a->data)[i];
	case NPY_I32:
		return ((const int32_t *)a->data)[i];
	case NPY_U8:
		return ((const uint8_t *)a->data)[i];
	}
	return 0;
}

void npy_array_free(struct npy_array *a)
{
	free(a->data);
	memset(a, 0, sizeof *a);
}
