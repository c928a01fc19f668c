/*
 * fuzz_sweep_spec.c - libFuzzer target: the sweep-spec reader,
 * sw_spec_load() (sim/sweep_spec.c, lib/ini.c), on the input as a spec.
 * Only the spec is parsed: the base config and traces it names are not
 * opened here (that happens when a sweep runs).
 */
#include "fuzz.h"

#include <string.h>

#include "sweep_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct sw_spec sp;
	int rc;

	memset(&err, 0, sizeof err);
	memset(&sp, 0, sizeof sp);
	rc = sw_spec_load(fuzz_file_put(&in, data, size), &sp, &err);
	fuzz_check_err(rc, &err);
	if (rc == 0)
		fuzz_expect(sp.n_keys <= SW_KEYS_MAX && sp.n_cons <= SW_CONS_MAX &&
			    sp.traces.n <= SW_TRACES_MAX &&
			    sp.n_points <= SW_POINTS_MAX,
			    "sw_spec_load accepted a spec over its limits");
	sw_spec_free(&sp);
	return 0;
}
