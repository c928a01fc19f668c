/*
 * lib/self.c - the running binary's path (see self.h).
 */
#define _XOPEN_SOURCE 700	/* readlink(), realpath() */

#include "self.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int self_exe(const char *argv0, char *buf, size_t n)
{
	char real[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", buf, n);

	if (len > 0 && (size_t)len < n) {
		buf[len] = '\0';
		return 0;
	}
	if (!argv0 || !strchr(argv0, '/') || !realpath(argv0, real))
		return -1;
	len = snprintf(buf, n, "%s", real);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}
