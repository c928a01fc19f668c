/*
 * config_table.h - finding a config's energy table, private to config*.c
 * (config_installed_dir, the public part, is in config.h).
 */
#ifndef SIM_CONFIG_TABLE_H
#define SIM_CONFIG_TABLE_H

#include <stddef.h>

#include "config.h"

#define CFG_PATH_BUF 1024	/* a searched directory or candidate table path */

/*
 * Where the config's [energy] table (c->energy.path) is: an absolute path as
 * given, a relative one searched beside c->path, in the installed and in the
 * source configs/, the first usable one (not a directory) to out. Returns
 * 0, or -1 with err naming the config, line (of the table key, 0 when
 * defaulted) and energy.table. Work: at most three stat() and a readlink().
 */
int cfg_table_locate(const struct config *c, int line, char *out, size_t n,
		     struct sim_err *err);

#endif
