/*
 * afile.h - forwarding header: the atomic writer lives in lib/afile.h.
 * Kept so that files outside the library's users still compile unchanged.
 */
#ifndef SIM_AFILE_H
#define SIM_AFILE_H

#include "lib/afile.h"

#endif
