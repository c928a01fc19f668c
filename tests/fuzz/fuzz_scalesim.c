/*
 * fuzz_scalesim.c - libFuzzer target: the SCALE-Sim topology reader,
 * scalesim_read() (sim/scalesim.c), on the input as a topology CSV, with
 * each row's own Sparsity column (options NULL).
 */
#include "fuzz.h"

#include <string.h>

#include "scalesim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct trace t;
	size_t i;
	int rc;

	memset(&err, 0, sizeof err);
	memset(&t, 0, sizeof t);
	rc = scalesim_read(fuzz_file_put(&in, data, size), NULL, &t, &err);
	fuzz_check_err(rc, &err);
	if (rc)
		fuzz_expect(t.n_ops == 0 && !t.ops,
			    "scalesim_read failed but left ops behind");
	else
		fuzz_expect(t.n_ops >= 1, "scalesim_read accepted no layers");
	for (i = 0; i < t.n_ops; i++)
		fuzz_expect(t.ops[i].kind == OP_GEMM &&
			    t.ops[i].nm_n >= 1 && t.ops[i].nm_n <= t.ops[i].nm_m,
			    "scalesim_read made an op that is not a valid gemm");
	trace_free(&t);
	return 0;
}
