/*
 * fuzz_area.c - libFuzzer target: the area table reader (sim/area.c,
 * area_ctx_init), on the input as a table file (STASIM_AREA_TABLE: every
 * line must parse) and as the user cache (bad lines skipped), then the
 * default config's area composed from it (sim/area.h area_of).
 */
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "area.h"
#include "config.h"

/* The default config's area with the fuzz input where env says. */
static void one(const char *env, const char *val)
{
	static struct config cfg;
	static int loaded;
	struct area_report a;
	struct sim_err err;
	int rc;

	if (!loaded) {
		config_defaults(&cfg);
		loaded = 1;
	}
	setenv(env, val, 1);
	memset(&err, 0, sizeof err);
	rc = area_of(unit_registry_default(), &cfg, &a, &err);
	unsetenv(env);
	fuzz_check_err(rc, &err);
	if (rc == 0)
		fuzz_expect(isfinite(a.total_um2) && a.total_um2 >= a.sram_um2 &&
			    a.sram_um2 > 0, "area_of gave a total that is not "
			    "finite or less than the SRAM's");
}

static char dir[FUZZ_PATH_MAX], sub[FUZZ_PATH_MAX + 8],
	    lnk[FUZZ_PATH_MAX + 40];

static void cleanup(void)
{
	unlink(lnk);
	rmdir(sub);
	rmdir(dir);
}

/* A private $XDG_CACHE_HOME whose cache file is a link to path. */
static void make_cache_dir(const char *path)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/stasim-fuzz-area-XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(sub, sizeof sub, "%s/stasim", dir);
	snprintf(lnk, sizeof lnk, "%s/area-nangate45.tsv", sub);
	if (mkdir(sub, 0700) || symlink(path, lnk))
		abort();
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file in = FUZZ_FILE_INIT;
	const char *path = fuzz_file_put(&in, data, size);

	one("STASIM_AREA_TABLE", path);
	if (!dir[0])
		make_cache_dir(path);
	one("XDG_CACHE_HOME", dir);
	return 0;
}
