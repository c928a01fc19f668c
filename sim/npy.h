/*
 * npy.h - forwarding header: the .npy writer and reader live in lib/npy.h.
 * Kept so that files outside the library's users still compile unchanged.
 */
#ifndef SIM_NPY_H
#define SIM_NPY_H

#include "lib/npy.h"

#endif
