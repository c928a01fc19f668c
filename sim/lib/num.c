/*
 * lib/num.c - strict number parsing (see num.h).
 *
 * Invariant: a number is accepted only when every character of the input
 * was consumed; a failed parse never writes the result.
 */
#include "num.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>

int num_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (*s < '0' || *s > '9')
			return -1;
		if (x > (UINT64_MAX - d) / 10)
			return 1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* s converted up to *end; 0 when something was read and it is finite. */
static int finite_prefix(const char *s, double *v, char **end)
{
	double x;

	if (!*s)
		return -1;
	x = strtod(s, end);
	if (*end == s || !isfinite(x))
		return -1;
	*v = x;
	return 0;
}

int num_double(const char *s, double *v)
{
	double x;
	char *end;

	if (finite_prefix(s, &x, &end) || *end)
		return -1;
	*v = x;
	return 0;
}

int num_decimal(const char *s, double *v)
{
	size_t n = strspn(s, "0123456789+-.eE");

	if (s[n] || !strpbrk(s, "0123456789"))
		return -1;
	return num_double(s, v);
}

int num_double_blank(const char *s, double *v)
{
	double x;
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (finite_prefix(s, &x, &end))
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	*v = x;
	return 0;
}
