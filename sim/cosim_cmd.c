/*
 * cosim_cmd.c - `stasim cosim UNIT`: runs a unit's co-simulation harness
 * (its Verilated RTL in lockstep with its C model, docs/rtl.md).
 */
#include "cosim_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"

/*
 * stasim cosim UNIT [--seed S] [--ops N] [--vcd FILE] [harness options]:
 * the unit's Verilated RTL in lockstep with its C model (docs/rtl.md). The
 * harness is a separate binary built beside this one (make cosim-sde-quick);
 * it gets every option, --ops translated to its own name, and rejects what
 * it does not know with exit status 2.
 */
int cosim_cmd(int argc, char **argv)
{
	char path[1024], *slash;
	char *args[32];
	int i, n = 0;

	static const char *const units[][2] = {
		{ "sde", "cosim/sde_cosim" }, { "smx", "cosim/smx/smx_cosim" },
		{ "gelu", "cosim/gelu/gelu_cosim" },
		{ "gate", "cosim/gate/gate_cosim" },
	};
	int u, smx;

	for (u = 0; argc >= 3 && u < 4 && strcmp(argv[2], units[u][0]); u++)
		;
	if (argc < 3 || u == 4)
		return cli_usage_error("stasim", "cosim: %s", argc < 3 ? "needs a unit (sde, "
				   "smx, gelu or gate)" : "units with RTL are sde, "
				   "smx, gelu and gate (not built yet for others)");
	smx = u > 0;	/* the function-unit harnesses count tiles */
	snprintf(path, sizeof path, "%s", argv[0]);
	slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ?
		 slash + 1 - path : 0), "%s", units[u][1]);
	args[n++] = path;
	for (i = 3; i < argc && n < 30; i++) {
		const char *o = argv[i];

		/* --ops is ours; the rest is the harness's to check */
		if (!strcmp(o, "--ops") && i + 1 >= argc)
			return cli_usage_error("stasim", "option '%s' needs a value", o);
		args[n++] = !strcmp(o, "--ops") ? (smx ? "--tiles" : "--cmds")
						  : argv[i];
	}
	if (i < argc)
		return cli_usage_error("stasim", "cosim: %s", "too many options");
	args[n] = NULL;
	execv(path, args);
	fprintf(stderr, "stasim: %s: cannot run the co-simulation harness (%s); "
		"build it with 'make cosim-sde-quick'\n", path, strerror(errno));
	return SIM_EXIT_USAGE;
}

