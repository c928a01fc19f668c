/*
 * npy.h - writing NumPy .npy files (format version 1.0).
 *
 * Little-endian, C order. The file is written under a temporary name and
 * renamed into place, so a reader never sees half a tensor.
 */
#ifndef SIM_NPY_H
#define SIM_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum npy_type { NPY_I8, NPY_I16, NPY_I32, NPY_U8 };

/*
 * Write ndim-dimensional data of the given type. src holds elements of
 * src_size bytes (1, 2 or 4, signed except NPY_U8) converted to the file's
 * type on the way out. Returns 0 or -1 with err.
 */
int npy_write(const char *path, enum npy_type type, const uint64_t *shape,
	      int ndim, const void *src, size_t src_size, struct sim_err *err);

#endif
