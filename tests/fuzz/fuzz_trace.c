/*
 * fuzz_trace.c - libFuzzer target: the trace reader, trace_read()
 * (sim/trace_read.c, trace_schema.c, trace.c), on the input as a trace
 * file: text v1 or v2, or gzip (zlib tells them apart by content, so gzip
 * seeds in the corpus reach the compressed path).
 */
#include "fuzz.h"

#include <string.h>

#include "trace.h"

/* What trace.h promises of every op trace_read() returns. */
static void check_op(const struct trace *t, const struct op *op)
{
	uint32_t i;

	fuzz_expect(op->nm_n >= 1 && op->nm_n <= op->nm_m,
		    "trace_read accepted N:M outside 1 <= N <= M");
	fuzz_expect(op->m <= TRACE_DIM_MAX && op->k <= TRACE_DIM_MAX &&
		    op->n <= TRACE_DIM_MAX,
		    "trace_read accepted a dimension above TRACE_DIM_MAX");
	fuzz_expect(op->n_in == op_kind_inputs(op->kind),
		    "trace_read returned an op with the wrong input count");
	for (i = 0; i < op->n_in; i++)
		fuzz_expect(op->in[i] < t->n_tensors,
			    "trace_read returned an input past the tensor table");
	fuzz_expect(op->out < t->n_tensors,
		    "trace_read returned an output past the tensor table");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct trace t;
	size_t i;
	int rc;

	memset(&err, 0, sizeof err);
	memset(&t, 0, sizeof t);
	rc = trace_read(fuzz_file_put(&in, data, size), &t, &err);
	fuzz_check_err(rc, &err);
	if (rc)
		fuzz_expect(t.n_ops == 0 && !t.ops,
			    "trace_read failed but left ops behind");
	for (i = 0; i < t.n_ops; i++)
		check_op(&t, &t.ops[i]);
	trace_free(&t);
	return 0;
}
