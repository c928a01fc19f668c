/*
 * lib/num.h - strict number parsing, the one implementation for options,
 * config values, sweep specs and results files.
 *
 * Strict: the whole string is the number; no sign on unsigned values, no
 * trailing text, no infinities or NaNs.
 */
#ifndef SIM_LIB_NUM_H
#define SIM_LIB_NUM_H

#include <stdint.h>

/*
 * Decimal digits only (no sign, no space). Returns 0 with *v set, -1 when
 * malformed, 1 when above UINT64_MAX; *v is unchanged on failure.
 */
int num_u64(const char *s, uint64_t *v);

/*
 * The whole of s as a finite number in strtod's syntax (leading white
 * space allowed, as strtod allows it; nothing after). Returns 0 with *v
 * set, or -1.
 */
int num_double(const char *s, double *v);

/* As num_double, with blanks (space, tab) allowed on both sides. */
int num_double_blank(const char *s, double *v);

/*
 * As num_double, in decimal only: digits, one point, an exponent (e or E),
 * signs; no hexadecimal (0x20, 0x1p9), no inf or nan. What people write in
 * configs and sweep specs, where anything else is a typo. 0 or -1.
 */
int num_decimal(const char *s, double *v);

#endif
