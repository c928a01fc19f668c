/*
 * fuzz_config.c - libFuzzer target: the architecture config reader,
 * config_load() (sim/config.c, lib/ini.c), on the input as a config file.
 * A relative energy table is looked for as a real run would, so the
 * shipped tables are read when the input names them or names none.
 */
#include "fuzz.h"

#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct config cfg;
	int rc;

	memset(&err, 0, sizeof err);
	rc = config_load(fuzz_file_put(&in, data, size), &cfg, &err);
	fuzz_check_err(rc, &err);
	if (rc == 0)
		fuzz_expect(cfg.n_max <= cfg.m_max && cfg.n_max >= 1,
			    "config_load accepted n_max outside [1, m_max]");
	return 0;
}
