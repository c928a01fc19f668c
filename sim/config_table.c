/*
 * config_table.c - where a config's energy table is found (config_table.h,
 * docs/config.md "Where the energy table is found"): an absolute path as
 * given; a relative one beside the config, then in the installed configs/
 * (found from the running binary), then in the source tree's.
 *
 * Invariant: the places are computed on each call, never cached, and every
 * place looked at is named in the error when none holds the table.
 */

#include "config_table.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "config_schema.h"
#include "lib/self.h"

int config_installed_dir(const char *exe, char *buf, size_t n)
{
	const char *name = strrchr(exe, '/');	/* "/stasim" */
	const char *bin = name;			/* start of "bin" */

	if (!name)
		return -1;
	while (bin > exe && bin[-1] != '/')
		bin--;
	if (bin == exe)
		return -1;
	return cfg_fit(buf, n, "%.*sshare/stasim/configs", (int)(bin - exe), exe);
}

/*
 * Where a relative energy table is looked for, in this order
 * (docs/config.md, "Where the energy table is found").
 */
enum search_step {
	SEARCH_CONFIG_DIR = 0,	/* the config file's own directory */
	SEARCH_INSTALLED = 1,	/* <exe dir>/../share/stasim/configs */
	SEARCH_SOURCE = 2,	/* STASIM_SRC_DIR/configs (the build's tree) */
	SEARCH_STEPS = 3	/* count */
};

/*
 * The directory that search step `step` looks in, as a prefix for a relative
 * path: "" or ending in '/'. Computed on every call, never cached. Returns -1
 * when the step has no directory here (no /proc, no STASIM_SRC_DIR).
 */
static int search_dir(int step, const char *cfg_path, char *buf, size_t n)
{
	const char *slash = strrchr(cfg_path, '/');
	char exe[CFG_PATH_BUF], dir[CFG_PATH_BUF];

	switch (step) {
	case SEARCH_CONFIG_DIR:
		return cfg_fit(buf, n, "%.*s", slash ? (int)(slash - cfg_path + 1) : 0,
			   cfg_path);
	case SEARCH_INSTALLED:
		if (self_exe(NULL, exe, sizeof exe) ||
		    config_installed_dir(exe, dir, sizeof dir))
			return -1;
		return cfg_fit(buf, n, "%s/", dir);
	case SEARCH_SOURCE:
#ifdef STASIM_SRC_DIR
		return cfg_fit(buf, n, "%s/configs/", STASIM_SRC_DIR);
#endif
	default:
		return -1;
	}
}

/* 0 when path names something a table can be read from (not a directory);
 * else an errno value saying why not. */
/* NULL when path is a table that can be read, else why not. */
static const char *unusable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return strerror(errno);
	if (S_ISDIR(st.st_mode))
		return "is a directory, not a file";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "is a device, not a file (its data may never end)";
	return NULL;
}

/*
 * Look for the relative table rel in each search directory in turn; the
 * first candidate that is usable goes to out. Every candidate looked at is
 * appended to looked. Returns 0, or -1 if none is.
 */
static int search_table(const char *cfg_path, const char *rel, char *out,
			size_t n, char *looked, size_t ln)
{
	char dir[CFG_PATH_BUF];
	int step;

	looked[0] = '\0';
	for (step = 0; step < SEARCH_STEPS; step++) {
		if (search_dir(step, cfg_path, dir, sizeof dir) ||
		    cfg_fit(out, n, "%s%s", dir, rel))
			continue;
		cfg_append(looked, ln, out);
		if (!unusable(out))
			return 0;
	}
	return -1;
}

int cfg_table_locate(const struct config *c, int line, char *out, size_t n,
		     struct sim_err *err)
{
	const char *table = c->energy.path;
	char looked[CFG_MSG_SIZE];
	const char *why;

	if (table[0] != '/') {
		if (!search_table(c->path, table, out, n, looked, sizeof looked))
			return 0;
		return err_set(err, c->path, line, "energy.table",
			       "%senergy table '%s' not found (looked for %s)",
			       line ? "" : "default ", table, looked);
	}
	why = unusable(table);
	if (why)
		return err_set(err, c->path, line, "energy.table",
			       "cannot open energy table '%s': %s", table, why);
	return cfg_fit(out, n, "%s", table);
}
