/*
 * lib/path.c - a program on $PATH, mkdir -p (see path.h).
 */
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int path_find_exe(const char *prog, char *buf, size_t len)
{
	const char *p = getenv("PATH"), *e;

	if (strchr(prog, '/')) {
		snprintf(buf, len, "%s", prog);
		return access(buf, X_OK) == 0 ? 0 : -1;
	}
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	for (;; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(buf, len, "%.*s/%s", (int)(e - p), e == p ? "." : p,
			 prog);
		if (e == p)
			snprintf(buf, len, "./%s", prog);
		if (access(buf, X_OK) == 0)
			return 0;
		if (!*e)
			return -1;
	}
}

int path_make_dirs(const char *dir, const char *field, struct sim_err *err)
{
	char p[1024];
	struct stat sb;
	size_t i;

	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return err_set(err, dir, 0, field, "path too long");
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			return err_set(err, p, 0, field, "cannot create "
				       "directory: %s", strerror(errno));
		p[i] = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		return err_set(err, dir, 0, field, "cannot create directory: %s",
			       strerror(errno));
	if (stat(p, &sb) || !S_ISDIR(sb.st_mode))
		return err_set(err, dir, 0, field, "not a directory");
	return 0;
}
