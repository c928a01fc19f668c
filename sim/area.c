/*
 * area.c - the area of a design point (see area.h, docs/energy.md "Area"):
 * the component table and its user cache, synthesis of a missing key, the
 * SRAM buffers, and the writers.
 *
 * The table and the cache are small text files of lines
 * COMPONENT<TAB>PARAMETERS<TAB>AREA_UM2<TAB>HOW ('#' comments), read
 * whole on every lookup (a few kB: microseconds), so a key another process
 * appended is seen at once. A synthesized key is appended with one write
 * per line (O_APPEND), so concurrent sweep workers never interleave lines.
 */
#include "area.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "lib/self.h"

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR ""	/* no source tree: no synthesis */
#endif

#define AREA_TABLE_NAME "area/nangate45.tsv"	/* under configs/ */
#define AREA_CACHE_NAME "stasim/area-nangate45.tsv"

static int is_file(const char *p)
{
	struct stat st;

	return p[0] && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The shipped table: installed beside the binary's configs, else the
 * source tree's. */
static void find_table(char *buf, size_t n)
{
	char exe[1024], dir[1024];
	const char *env = getenv("STASIM_AREA_TABLE");

	if (env && env[0]) {
		snprintf(buf, n, "%s", env);
		return;
	}
	buf[0] = '\0';
	if (!self_exe(NULL, exe, sizeof exe) &&
	    !config_installed_dir(exe, dir, sizeof dir)) {
		if (snprintf(buf, n, "%s/%s", dir, AREA_TABLE_NAME) < (int)n &&
		    is_file(buf))
			return;
	}
	if (STASIM_SRC_DIR[0])
		snprintf(buf, n, "%s/configs/%s", STASIM_SRC_DIR,
			 AREA_TABLE_NAME);
}

void area_ctx_init(struct area_ctx *c, int synth)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *off = getenv("STASIM_AREA_SYNTH");

	memset(c, 0, sizeof *c);
	c->synth = synth && !(off && !strcmp(off, "0"));
	find_table(c->table, sizeof c->table);
	if (xdg && xdg[0] == '/')
		snprintf(c->cache, sizeof c->cache, "%s/%s", xdg,
			 AREA_CACHE_NAME);
	else
		snprintf(c->cache, sizeof c->cache, "%s/.cache/%s",
			 home && home[0] ? home : ".", AREA_CACHE_NAME);
	if (STASIM_SRC_DIR[0])
		snprintf(c->script, sizeof c->script, "%s/rtl/synth/area.sh",
			 STASIM_SRC_DIR);
	if (!is_file(c->script))
		c->script[0] = '\0';
}

/* Look comp at key up in file path: 0 with *um2, or -1. */
static int lookup(const char *path, const char *comp, const char *key,
		  double *um2)
{
	FILE *f = path[0] ? fopen(path, "r") : NULL;
	char line[1024];
	size_t lc = strlen(comp), lk = strlen(key);
	int rc = -1;

	if (!f)
		return -1;
	while (rc && fgets(line, sizeof line, f)) {
		char *end;

		if (strncmp(line, comp, lc) || line[lc] != '\t' ||
		    strncmp(line + lc + 1, key, lk) || line[lc + 1 + lk] != '\t')
			continue;
		*um2 = strtod(line + lc + lk + 2, &end);
		if (end != line + lc + lk + 2 && (*end == '\t' || *end == '\n'))
			rc = 0;
	}
	fclose(f);
	return rc;
}

/* 1 when prog is an executable file in a directory of $PATH. */
static int on_path(const char *prog)
{
	const char *p = getenv("PATH");
	char buf[1024];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	while (p && *p) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", prog);
		if (access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* Append s single-quoted for sh to buf. */
static void sh_quote(char *buf, size_t n, const char *s)
{
	size_t l = strlen(buf);

	if (l + 1 < n)
		buf[l++] = '\'';
	for (; *s && l + 5 < n; s++) {
		if (*s == '\'') {
			memcpy(buf + l, "'\\''", 4);
			l += 4;
		} else {
			buf[l++] = *s;
		}
	}
	if (l + 1 < n)
		buf[l++] = '\'';
	buf[l] = '\0';
}

/* mkdir -p of path's directory. */
static void make_parent(const char *path)
{
	char d[1200];
	char *p;

	snprintf(d, sizeof d, "%s", path);
	for (p = d + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(d, 0777);
		*p = '/';
	}
}

/* Run rtl/synth/area.sh for unit at key; append its table lines to the
 * cache. 0, or -1 with err. */
static int synthesize(struct area_ctx *c, const char *unit, const char *comp,
		      const char *key, struct sim_err *err)
{
	char cmd[4096] = "AREA_WORK=", work[1100], line[1024];
	FILE *p;
	int fd, rc;

	snprintf(work, sizeof work, "%s.work", c->cache);
	make_parent(work);
	sh_quote(cmd, sizeof cmd, work);
	strncat(cmd, " sh ", sizeof cmd - strlen(cmd) - 1);
	sh_quote(cmd, sizeof cmd, c->script);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s %s", unit,
		 strcmp(key, "-") ? key : "");	/* "-": no parameters */
	fprintf(stderr, "stasim: area: synthesizing %s %s with yosys (once: "
		"the result goes to %s)\n", unit, key, c->cache);
	fd = open(c->cache, O_WRONLY | O_APPEND | O_CREAT, 0666);
	if (fd < 0)
		return err_set(err, c->cache, 0, comp, "cannot write the area "
			       "cache: %s", strerror(errno));
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		if (strchr(line, '\t') && write(fd, line, strlen(line)) < 0)
			break;
	rc = p ? pclose(p) : -1;
	close(fd);
	if (rc)
		return err_set(err, c->script, 0, comp, "yosys could not "
			       "synthesize %s %s (logs in %s)", unit, key,
			       work);
	return 0;
}

int area_component(struct area_ctx *c, const char *unit, const char *comp,
		   const char *key, double *um2, struct sim_err *err)
{
	const char *yosys = getenv("YOSYS"), *why;

	if (!lookup(c->table, comp, key, um2) ||
	    !lookup(c->cache, comp, key, um2))
		return 0;
	if (!yosys || !yosys[0])
		yosys = "yosys";
	why = !c->script[0] ? "no source tree to synthesize it from" :
	      !on_path(yosys) ? "yosys is not installed" :
	      !c->synth ? "synthesis is off (STASIM_AREA_SYNTH=0)" : NULL;
	if (why)
		return err_set(err, c->table[0] ? c->table : AREA_TABLE_NAME,
			       0, comp, "no area for %s %s (in neither the "
			       "table nor %s) and %s: synthesize it with "
			       "`sh rtl/synth/area.sh %s %s >> %s` in the "
			       "source tree (yosys: make synth-deps)", comp,
			       key, c->cache, why, unit,
			       strcmp(key, "-") ? key : "", c->cache);
	if (synthesize(c, unit, comp, key, err))
		return -1;
	if (!lookup(c->cache, comp, key, um2))
		return 0;
	return err_set(err, c->cache, 0, comp, "synthesis of %s %s gave no "
		       "line for %s", unit, key, comp);
}

void area_add(struct area_unit *u, const char *name, double count,
	      double each_um2)
{
	if (u->n >= AREA_PARTS_MAX)
		return;
	u->part[u->n].name = name;
	u->part[u->n].count = count;
	u->part[u->n].each_um2 = each_um2;
	u->n++;
	u->um2 += count * each_um2;
}

void area_sram(const struct config *cfg, struct area_unit *u)
{
	double bit = AREA_SRAM_CELL_UM2 / AREA_SRAM_EFFICIENCY;

	memset(u, 0, sizeof *u);
	u->name = "sram";
	area_add(u, "act", 8192.0 * cfg->act_kib, bit);
	area_add(u, "wgt", 8192.0 * cfg->wgt_kib, bit);
	area_add(u, "out", 8192.0 * cfg->out_kib, bit);
}

int area_config(const struct unit_registry *reg, const struct config *cfg,
		struct area_ctx *c, struct area_report *a,
		struct sim_err *err)
{
	uint32_t i;

	memset(a, 0, sizeof *a);
	a->config = cfg->name;
	for (i = 0; i < reg->n && a->n < AREA_UNITS_MAX - 1; i++) {
		struct area_unit *u = &a->unit[a->n];

		if (!reg->cls[i]->area)
			continue;
		u->name = reg->cls[i]->name;
		if (reg->cls[i]->area(cfg, c, u, err))
			return -1;
		a->logic_um2 += u->um2;
		a->n++;
	}
	area_sram(cfg, &a->unit[a->n]);
	a->sram_um2 = a->unit[a->n++].um2;
	a->total_um2 = a->logic_um2 + a->sram_um2;
	return 0;
}

double area_unit_um2(const struct area_report *a, const char *name)
{
	uint32_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->unit[i].name, name))
			return a->unit[i].um2;
	return 0;
}

int area_parse_format(const char *s, enum area_format *f)
{
	static const char *const names[] = { "txt", "json", "csv" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum area_format)i;
			return 0;
		}
	return -1;
}

static void write_txt(const struct area_report *a, FILE *f)
{
	uint32_t i, j;

	fprintf(f, "area of %s (cell area, NanGate FreePDK45; SRAM 45 nm "
		"6T; no wiring)\n", a->config);
	fprintf(f, "%-6s %-12s %14s %14s %14s %10s\n", "unit", "part",
		"count", "each um2", "um2", "mm2");
	for (i = 0; i < a->n; i++) {
		const struct area_unit *u = &a->unit[i];

		for (j = 0; j < u->n; j++)
			fprintf(f, "%-6s %-12s %14.0f %14.4f %14.1f %10.4f\n",
				u->name, u->part[j].name, u->part[j].count,
				u->part[j].each_um2,
				u->part[j].count * u->part[j].each_um2,
				u->part[j].count * u->part[j].each_um2 / 1e6);
		fprintf(f, "%-6s %-12s %14s %14s %14.1f %10.4f\n", u->name,
			"total", "", "", u->um2, u->um2 / 1e6);
	}
	fprintf(f, "%-6s %-12s %14s %14s %14.1f %10.4f\n", "logic", "", "",
		"", a->logic_um2, a->logic_um2 / 1e6);
	fprintf(f, "%-6s %-12s %14s %14s %14.1f %10.4f\n", "TOTAL", "", "",
		"", a->total_um2, a->total_um2 / 1e6);
}

static void write_csv(const struct area_report *a, FILE *f)
{
	uint32_t i, j;

	fprintf(f, "unit,part,count,each_um2,um2,mm2\n");
	for (i = 0; i < a->n; i++) {
		const struct area_unit *u = &a->unit[i];

		for (j = 0; j < u->n; j++)
			fprintf(f, "%s,%s,%.0f,%.4f,%.3f,%.6f\n", u->name,
				u->part[j].name, u->part[j].count,
				u->part[j].each_um2,
				u->part[j].count * u->part[j].each_um2,
				u->part[j].count * u->part[j].each_um2 / 1e6);
		fprintf(f, "%s,total,,,%.3f,%.6f\n", u->name, u->um2,
			u->um2 / 1e6);
	}
	fprintf(f, "TOTAL,total,,,%.3f,%.6f\n", a->total_um2,
		a->total_um2 / 1e6);
}

static void write_json(const struct area_report *a, FILE *f)
{
	uint32_t i, j;

	fprintf(f, "{\n  \"config\": \"%s\",\n  \"units\": {", a->config);
	for (i = 0; i < a->n; i++) {
		const struct area_unit *u = &a->unit[i];

		fprintf(f, "%s\n    \"%s\": { \"um2\": %.3f, \"mm2\": %.6f, "
			"\"parts\": {", i ? "," : "", u->name, u->um2,
			u->um2 / 1e6);
		for (j = 0; j < u->n; j++)
			fprintf(f, "%s\n      \"%s\": { \"count\": %.0f, "
				"\"each_um2\": %.4f, \"um2\": %.3f }",
				j ? "," : "", u->part[j].name,
				u->part[j].count, u->part[j].each_um2,
				u->part[j].count * u->part[j].each_um2);
		fprintf(f, " } }");
	}
	fprintf(f, "\n  },\n  \"logic_um2\": %.3f,\n  \"sram_um2\": %.3f,\n"
		"  \"total_um2\": %.3f,\n  \"total_mm2\": %.6f\n}\n",
		a->logic_um2, a->sram_um2, a->total_um2, a->total_um2 / 1e6);
}

void area_write(const struct area_report *a, enum area_format fmt, FILE *f)
{
	if (fmt == AREA_JSON)
		write_json(a, f);
	else if (fmt == AREA_CSV)
		write_csv(a, f);
	else
		write_txt(a, f);
}

void area_write_json_object(const struct area_report *a, int indent, FILE *f)
{
	uint32_t i;

	fprintf(f, "{\n%*s\"units\": {", indent + 2, "");
	for (i = 0; i < a->n; i++)
		fprintf(f, "%s\n%*s\"%s\": { \"um2\": %.3f, \"mm2\": %.6f }",
			i ? "," : "", indent + 4, "", a->unit[i].name,
			a->unit[i].um2, a->unit[i].um2 / 1e6);
	fprintf(f, "\n%*s},\n%*s\"total_um2\": %.3f,\n%*s\"total_mm2\": "
		"%.6f\n%*s}", indent + 2, "", indent + 2, "", a->total_um2,
		indent + 2, "", a->total_um2 / 1e6, indent, "");
}

void area_write_line(const struct area_report *a, FILE *f)
{
	uint32_t i;

	fprintf(f, "area: %.3f mm2 (", a->total_um2 / 1e6);
	for (i = 0; i < a->n; i++)
		fprintf(f, "%s%s %.3f", i ? ", " : "", a->unit[i].name,
			a->unit[i].um2 / 1e6);
	fprintf(f, "; cell area, no wiring)");
}
