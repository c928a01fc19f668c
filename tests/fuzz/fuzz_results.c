/*
 * fuzz_results.c - libFuzzer target: the results-CSV reader,
 * results_load() (sim/results.c, lib/csv.c), on the input as a sweep's
 * results.csv, with no extra numeric columns.
 */
#include "fuzz.h"

#include <math.h>
#include <string.h>

#include "results.h"

/* results.h: the numeric columns of an ok row hold finite numbers. */
static void check_numbers(const struct results *res)
{
	const char *const *name;
	size_t i;
	long col;

	for (name = results_numeric; *name; name++) {
		if ((col = results_col(res, *name)) < 0)
			continue;
		for (i = 0; i < res->nrows; i++)
			if (results_row_ok(res, &res->rows[i]))
				fuzz_expect(isfinite(results_num(&res->rows[i], col)),
					    "results_load accepted a number that is not finite");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct results res;
	size_t i;
	int rc;

	memset(&err, 0, sizeof err);
	rc = results_load(fuzz_file_put(&in, data, size), &res, NULL, &err);
	fuzz_check_err(rc, &err);
	if (rc)
		fuzz_expect(res.nrows == 0 && !res.rows,
			    "results_load failed but left rows behind");
	for (i = 0; i < res.nrows; i++)
		fuzz_expect(res.rows[i].n == res.head.n,
			    "results_load accepted a row not as wide as the header");
	if (rc == 0) {
		fuzz_expect(res.status < res.head.n,
			    "results_load's status column is past the header");
		check_numbers(&res);
	}
	results_free(&res);
	return 0;
}
