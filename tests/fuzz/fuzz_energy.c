/*
 * fuzz_energy.c - libFuzzer target: the energy table reader (config.c's
 * load_energy, lib/ini.c). The table is reached the only way a user can
 * reach it: a config whose [energy] table names the input's file.
 */
#include "fuzz.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/*
 * The config naming the table at path, written on the first input into
 * the same directory, so that the table is named by its bare file name
 * (looked for beside the config) and the line stays short whatever
 * $TMPDIR is.
 */
static const char *config_for(const char *path)
{
	static struct fuzz_file cfg = FUZZ_FILE_INIT;
	const char *base = strrchr(path, '/');
	char text[FUZZ_PATH_MAX + 32];
	int n;

	if (cfg.fd >= 0)
		return cfg.path;
	n = snprintf(text, sizeof text, "[energy]\ntable = %s\n",
		     base ? base + 1 : path);
	fuzz_expect(n > 0 && (size_t)n < sizeof text, "config text fits");
	return fuzz_file_put(&cfg, text, (size_t)n);
}

/* Every number of an accepted table is an energy: finite, not negative. */
static void check_table(const struct energy_table *t)
{
	/* the doubles run from mult8_pj to the end of the struct */
	const double *d = &t->mult8_pj;
	size_t i, n = (sizeof *t - offsetof(struct energy_table, mult8_pj)) /
		      sizeof *d;

	for (i = 0; i < n; i++)
		fuzz_expect(isfinite(d[i]) && d[i] >= 0.0,
			    "config_load accepted an energy that is not finite and >= 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct config cfg;
	int rc;

	memset(&err, 0, sizeof err);
	rc = config_load(config_for(fuzz_file_put(&in, data, size)), &cfg, &err);
	fuzz_check_err(rc, &err);
	if (rc == 0)
		check_table(&cfg.energy);
	return 0;
}
