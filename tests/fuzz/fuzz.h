/*
 * fuzz.h - what every libFuzzer target of stasim's readers shares: the
 * fuzz input handed over as a file, and the error contract checked.
 *
 * Every stasim reader opens its input by name, so each libFuzzer target
 * (tests/fuzz/fuzz_*.c) writes the input bytes to a temporary file and
 * passes its path. The file is created once per process (mkstemp in
 * $TMPDIR, /tmp when unset), rewritten in place for every input and
 * removed at exit, so a run of millions of inputs makes no new files.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define FUZZ_PATH_MAX 400	/* well under config.h's 511-byte path keys */

struct fuzz_file {
	int fd;				/* open for writing, -1 = not yet created */
	char path[FUZZ_PATH_MAX];	/* its name, "" until created */
};

#define FUZZ_FILE_INIT { -1, "" }

/*
 * Make f hold exactly data[0 .. size) and return its path. The first call
 * creates the file. Aborts when the file cannot be created or written,
 * saying that the harness failed, so the report is not read as the
 * reader's fault.
 */
const char *fuzz_file_put(struct fuzz_file *f, const void *data, size_t size);

/*
 * The contract of err.h on a reader's result rc: 0 is success; any other
 * value must come with err filled, naming a file and saying what is wrong.
 * Aborts (a libFuzzer crash, input saved) when a failure is unexplained.
 */
void fuzz_check_err(int rc, const struct sim_err *err);

/* Abort with what (a broken invariant of a reader's result) when !ok. */
void fuzz_expect(int ok, const char *what);

/* libFuzzer's entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
