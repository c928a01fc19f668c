/*
 * lib/npy.h - NumPy .npy files (format version 1.0): writing and reading.
 *
 * Little-endian, C order, four element types. The writer goes through
 * lib/afile, so a reader never sees half a tensor; the reader is bounded
 * (header at most 64 KiB, data exactly what the header promises) and
 * returns elements in host order.
 */
#ifndef SIM_LIB_NPY_H
#define SIM_LIB_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "../err.h"

enum npy_type { NPY_I8, NPY_I16, NPY_I32, NPY_U8 };

#define NPY_NDIM_MAX 4			/* dimensions npy_read accepts */
#define NPY_HEADER_MAX (64 * 1024)	/* header bytes npy_read accepts */

struct npy_array {
	enum npy_type type;		/* NPY_I8, NPY_I16, NPY_I32, NPY_U8 */
	int ndim;			/* 1..NPY_NDIM_MAX */
	uint64_t shape[NPY_NDIM_MAX];	/* C order */
	uint64_t count;			/* elements: product of shape */
	void *data;			/* count elements of the file's type, host order */
};

/*
 * Write ndim-dimensional data of the given type. src holds elements of
 * src_size bytes (1, 2 or 4, signed except NPY_U8) converted to the file's
 * type on the way out. Returns 0 or -1 with err (field "--dump").
 */
int npy_write(const char *path, enum npy_type type, const uint64_t *shape,
	      int ndim, const void *src, size_t src_size, struct sim_err *err);

/*
 * Read a little-endian C-order .npy v1.0 file of one of those types.
 * Returns 0, or -1 with err (file, field = "npy", a message) and *a empty.
 * Bounded: refuses a header over 64 KiB or a data size that disagrees with
 * the file size. Work and memory are linear in the file's size.
 */
int npy_read(const char *path, struct npy_array *a, struct sim_err *err);

/* Element i (< a->count) as int32, sign- or zero-extended per type. */
int32_t npy_get(const struct npy_array *a, uint64_t i);

/* Free a's data and empty it; safe on an emptied or failed array. */
void npy_array_free(struct npy_array *a);

/* Bytes per element of type t (1, 2 or 4). */
size_t npy_type_size(enum npy_type t);

#endif
