/*
 * npy.c - NumPy .npy writer (see npy.h).
 *
 * Header: magic "\x93NUMPY", version 1.0, a little-endian uint16 length,
 * then a Python dict literal padded with spaces so that the data starts on a
 * 64-byte boundary, ending in '\n'.
 */
#include "npy.h"

#include <stdio.h>
#include <string.h>

#include "afile.h"

static const char *descr(enum npy_type t)
{
	static const char *const d[] = { "|i1", "<i2", "<i4", "|u1" };

	return d[t];
}

static size_t type_size(enum npy_type t)
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

	for (i = 0; i < type_size(t); i++)
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
		 descr(t), sh);
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
	size_t es = type_size(t), used = 0;
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
