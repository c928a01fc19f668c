/*
 * fuzz_json.c - libFuzzer target: the JSON reader, json_load()
 * (sim/lib/json.c), on the input as a JSON document.
 */
#include "fuzz.h"

#include <string.h>

#include "lib/json.h"

/* Depth of v: 1 for a scalar or an empty container. */
static int depth(const struct json_val *v)
{
	int d = 0, k;
	size_t i;

	if (v->t == JSON_ARR || v->t == JSON_OBJ)
		for (i = 0; i < v->n; i++)
			if ((k = depth(&v->kid[i])) > d)
				d = k;
	return d + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	struct sim_err err;
	struct json_val root;
	int rc;

	memset(&err, 0, sizeof err);
	rc = json_load(fuzz_file_put(&in, data, size), &root, &err);
	fuzz_check_err(rc, &err);
	if (rc == 0)
		fuzz_expect(depth(&root) <= JSON_DEPTH + 1,
			    "json_load accepted nesting deeper than JSON_DEPTH");
	json_free(&root);
	return 0;
}
