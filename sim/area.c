/*
 * area.c - the area of a design point (see area.h, docs/ppa.md "Area"):
 * the component table and its user cache, synthesis or scaling of a
 * missing key, the SRAM buffers, leakage from area, and the writers.
 *
 * The user cache is a small text file of lines
 * COMPONENT<TAB>PARAMETERS<TAB>AREA_UM2<TAB>HOW ('#' comments), read once
 * per context. A synthesized key is appended with one write per line
 * (O_APPEND), so concurrent processes never interleave lines.
 */
#include "area.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "energy.h"
#include "lib/path.h"
#include "lib/slurp.h"

#ifndef STASIM_SRC_DIR
#define STASIM_SRC_DIR ""	/* no source tree: no synthesis */
#endif

#define AREA_CACHE_NAME "stasim/area-nangate45.tsv"
#define AREA_FILE_MAX ((size_t)1 << 20)	/* a table or cache file, bytes */

static int is_file(const char *p)
{
	struct stat st;

	return p[0] && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The text of table or cache file path into *text (NULL when the file
 * does not exist and need not): 0, or -1 with err (unreadable, a
 * directory or device, over AREA_FILE_MAX bytes, a NUL byte). */
static int read_text(const char *path, int must_exist, char **text,
		     struct sim_err *err)
{
	struct slurp_caps caps = { AREA_FILE_MAX, 1024, 1 };

	*text = NULL;
	if (!must_exist && access(path, F_OK) != 0)
		return 0;
	*text = slurp_or_err(path, caps, NULL, err);
	return *text ? 0 : -1;
}

/* 1 when key is "-" or space-separated NAME=N words (N a whole number). */
static int key_ok(const char *key)
{
	if (!strcmp(key, "-"))
		return 1;
	while (*key) {
		size_t n = strcspn(key, "= ");

		if (!n || key[n] != '=' || !key[n + 1] || key[n + 1] == ' ')
			return 0;
		key += n + 1;
		n = strspn(key, "0123456789");
		if (!n || (key[n] && key[n] != ' ') ||
		    (key[n] == ' ' && !key[n + 1]))
			return 0;
		key += n + (key[n] == ' ');
	}
	return 1;
}

/*
 * Split text's lines COMP<TAB>KEY<TAB>UM2[<TAB>HOW] into c->e (at most max
 * of them; '#' lines and blank lines skipped). strict: a bad line is
 * err (the table); else it is skipped (a cache another stasim appends
 * to). 0, or -1 with err.
 */
static int parse_lines(struct area_ctx *c, char *text, const char *path,
		       uint32_t max, int strict, struct sim_err *err)
{
	uint32_t line = 0, got = 0;
	char *p = text;

	while (*p && got < max) {
		char *nl = strchr(p, '\n'), *f[4] = { p, NULL, NULL, NULL };
		char *end;
		double um2;
		int k;

		line++;
		if (nl)
			*nl = '\0';
		for (k = 1; k < 4 && f[k - 1]; k++)
			if ((f[k] = strchr(f[k - 1], '\t')))
				*f[k]++ = '\0';
		if (*p && *p != '#') {
			um2 = f[2] ? strtod(f[2], &end) : 0;
			if (!f[2] || end == f[2] || *end || !(um2 >= 0) ||
			    um2 > 1e12 || !*f[0] || !key_ok(f[1])) {
				if (strict)
					return err_set(err, path, (int)line,
						       "area", "not COMPONENT"
						       "<TAB>NAME=N ...|-<TAB>"
						       "AREA_UM2[<TAB>HOW]");
			} else {
				struct area_entry *e = &c->e[c->n++];

				e->comp = f[0];
				e->key = f[1];
				e->um2 = um2;
				e->how = f[3] ? f[3] : "";
				got++;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Lines of text (NULL: 0), the last one unended counted. */
static uint32_t lines(const char *text)
{
	uint32_t n = 0;

	for (; text && *text; text++)
		n += *text == '\n' || !text[1];
	return n;
}

int area_ctx_init(struct area_ctx *c, int synth, struct sim_err *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	const char *off = getenv("STASIM_AREA_SYNTH");
	const char *tab = getenv("STASIM_AREA_TABLE");
	char *ttext = NULL, *ctext = NULL;
	uint32_t nt = 0, i;

	memset(c, 0, sizeof *c);
	c->synth = synth && !(off && !strcmp(off, "0"));
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
	if (tab && tab[0]) {
		snprintf(c->table_path, sizeof c->table_path, "%s", tab);
		if (read_text(tab, 1, &ttext, err))
			goto fail;
	} else {
		while (area_table[nt].comp)
			nt++;
	}
	if (read_text(c->cache, 0, &ctext, err))
		goto fail;
	c->e = malloc(sizeof *c->e * (nt + lines(ttext) + AREA_CACHE_MAX));
	if (!c->e) {
		err_set(err, c->cache, 0, "area", "out of memory");
		goto fail;
	}
	for (i = 0; i < nt; i++)
		c->e[c->n++] = area_table[i];
	if (ttext && parse_lines(c, ttext, tab, lines(ttext), 1, err))
		goto fail;
	if (ctext)
		parse_lines(c, ctext, c->cache, AREA_CACHE_MAX, 0, err);
	c->table_text = ttext;	/* e[] points into both */
	c->cache_text = ctext;
	return 0;
fail:
	free(ttext);
	free(ctext);
	free(c->e);
	c->e = NULL;
	c->n = 0;
	return -1;
}

void area_ctx_free(struct area_ctx *c)
{
	free(c->e);
	free(c->table_text);
	free(c->cache_text);
	c->e = NULL;
	c->table_text = c->cache_text = NULL;
	c->n = 0;
}

/* The entry of comp at key among c's, or NULL. */
static const struct area_entry *find(const struct area_ctx *c,
				     const char *comp, const char *key)
{
	uint32_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].comp, comp) && !strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

double area_param(const char *key, const char *name)
{
	size_t n = strlen(name);
	const char *p = key;

	while ((p = strstr(p, name))) {
		if ((p == key || p[-1] == ' ') && p[n] == '=')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

/* 1 when keys a and b agree on every parameter named in exact. */
static int same_exact(const char *exact, const char *a, const char *b)
{
	char name[64];

	while (*exact) {
		size_t n = strcspn(exact, " ");

		snprintf(name, sizeof name, "%.*s", (int)n, exact);
		if (n && area_param(a, name) != area_param(b, name))
			return 0;
		exact += n + (exact[n] == ' ');
	}
	return 1;
}

/* Append "NAME KEY (from FROM)" to c->est; when it no longer fits, end
 * the list with "; ..." (the report then says that more were scaled). */
static void note_estimate(struct area_ctx *c, const char *name,
			  const char *key, const char *from)
{
	size_t l = strlen(c->est), room = sizeof c->est - l;
	char one[AREA_EST_MAX];
	int n;

	snprintf(one, sizeof one, "%s %s (from %s)", name, key, from);
	if ((l >= 5 && !strcmp(c->est + l - 5, "; ...")) || strstr(c->est, one))
		return;	/* full, or already listed (the gate's softmax) */
	n = snprintf(c->est + l, room, "%s%s", l ? "; " : "", one);
	if (n < 0 || (size_t)n >= room) {
		c->est[l] = '\0';
		snprintf(c->est + (l + 6 > sizeof c->est ? sizeof c->est - 6 : l),
			 6, "; ...");
	}
}

/* comp's size at key by its rule; no rule: every set is the same size */
static double size_of(const struct area_comp *comp, const char *key)
{
	return comp->size ? comp->size(key) : 1;
}

/*
 * comp at key scaled from the nearest set of comp (the least |log| of the
 * size ratio; the first of equals, so the table before the cache) into
 * *um2, noted in c->est. 0, or -1 when comp has no set to scale from.
 */
static int scale(struct area_ctx *c, const struct area_comp *comp,
		 const char *key, double *um2)
{
	const struct area_entry *best = NULL;
	double want = size_of(comp, key), bd = 0, bsize = 1, d;
	uint32_t i;

	if (!(want > 0) || !isfinite(want))
		return -1;	/* a parameter the rule needs is missing */
	for (i = 0; i < c->n; i++) {
		const struct area_entry *e = &c->e[i];
		double have;

		if (strcmp(e->comp, comp->name) ||
		    !same_exact(comp->exact, e->key, key))
			continue;
		have = size_of(comp, e->key);
		if (!(have > 0) || !isfinite(have))
			continue;	/* a set the rule cannot size */
		d = fabs(log(want / have));
		if (!best || d < bd) {
			best = e;
			bd = d;
			bsize = have;
		}
	}
	if (!best)
		return -1;
	*um2 = best->um2 * want / bsize;
	note_estimate(c, comp->name, key, best->key);
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

/* Run rtl/synth/area.sh for unit at key; append its table lines to the
 * cache and to c's entries. 0, or -1 with err. */
static int synthesize(struct area_ctx *c, const struct area_comp *comp,
		      const char *key, struct sim_err *err)
{
	char cmd[4096] = "AREA_WORK=", work[1100], dir[1024], line[1024];
	struct area_ctx again;
	FILE *p;
	int fd, rc;

	snprintf(work, sizeof work, "%s.work", c->cache);
	snprintf(dir, sizeof dir, "%s", c->cache);
	*strrchr(dir, '/') = '\0';	/* the cache's directory: never "" */
	if (path_make_dirs(dir, comp->name, err))
		return -1;
	sh_quote(cmd, sizeof cmd, work);
	strncat(cmd, " sh ", sizeof cmd - strlen(cmd) - 1);
	sh_quote(cmd, sizeof cmd, c->script);
	snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s %s",
		 comp->unit, strcmp(key, "-") ? key : "");
	fprintf(stderr, "stasim: area: synthesizing %s %s with yosys (once: "
		"the result goes to %s)\n", comp->unit, key, c->cache);
	fd = open(c->cache, O_WRONLY | O_APPEND | O_CREAT, 0666);
	if (fd < 0)
		return err_set(err, c->cache, 0, comp->name, "cannot write "
			       "the area cache: %s", strerror(errno));
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		if (strchr(line, '\t') && write(fd, line, strlen(line)) < 0)
			break;
	rc = p ? pclose(p) : -1;
	close(fd);
	if (rc)
		return err_set(err, c->script, 0, comp->name, "yosys could "
			       "not synthesize %s %s (logs in %s)",
			       comp->unit, key, work);
	/* read the table and the grown cache again */
	if (area_ctx_init(&again, c->synth, err))
		return -1;
	memcpy(again.est, c->est, sizeof again.est);
	area_ctx_free(c);
	*c = again;
	return 0;
}

int area_component(struct area_ctx *c, const struct area_comp *comp,
		   const char *key, double *um2, struct sim_err *err)
{
	const struct area_entry *e = find(c, comp->name, key);
	const char *yosys = getenv("YOSYS");
	char exe[1024];

	if (e) {
		*um2 = e->um2;
		return 0;
	}
	if (!yosys || !yosys[0])
		yosys = "yosys";
	if (c->synth && !c->script[0])
		c->why = "no source tree to synthesize from";
	else if (c->synth && path_find_exe(yosys, exe, sizeof exe))
		c->why = "yosys is not installed";
	if (c->synth && !c->why) {
		if (synthesize(c, comp, key, err))
			return -1;
		if ((e = find(c, comp->name, key))) {
			*um2 = e->um2;
			return 0;
		}
		return err_set(err, c->cache, 0, comp->name, "synthesis of "
			       "%s %s gave no line for %s", comp->unit, key,
			       comp->name);
	}
	if (!scale(c, comp, key, um2))
		return 0;
	return err_set(err, c->table_path[0] ? c->table_path :
		       "sim/area_table.c", 0, comp->name, "no synthesized "
		       "%s to scale %s from (synthesize it: `sh "
		       "rtl/synth/area.sh %s %s >> %s` in the source tree)",
		       comp->name, key, comp->unit,
		       strcmp(key, "-") ? key : "", c->cache);
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
	c->est[0] = '\0';
	snprintf(a->config, sizeof a->config, "%s", cfg->name);
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
	memcpy(a->estimated, c->est, sizeof a->estimated);
	return 0;
}

int area_of(const struct unit_registry *reg, const struct config *cfg,
	    struct area_report *a, struct sim_err *err)
{
	struct area_ctx c;
	int rc;

	if (area_ctx_init(&c, 0, err))
		return -1;
	rc = area_config(reg, cfg, &c, a, err);
	area_ctx_free(&c);
	return rc;
}

/* nW x ns = 1e-18 J = 1e-6 pJ */
#define PJ_PER_NW_NS 1e-6

void area_leakage(const struct unit_registry *reg, const struct area_report *a,
		  struct config *cfg)
{
	const struct energy_table *t = &cfg->energy;
	double bits = 8192.0 * ((double)cfg->act_kib + cfg->wgt_kib +
				cfg->out_kib);
	uint32_t i;

	memset(cfg->leak_pj_ns, 0, sizeof cfg->leak_pj_ns);
	for (i = 0; i < reg->n; i++)
		cfg->leak_pj_ns[reg->cls[i]->eu] += PJ_PER_NW_NS *
			t->leak_logic_nw_per_um2 *
			area_unit_um2(a, reg->cls[i]->name);
	cfg->leak_pj_ns[EU_SRAM] = PJ_PER_NW_NS * t->leak_sram_nw_per_bit *
				   bits;
	/* the table's pJ per cycle at the 1 GHz reference: pJ per ns */
	cfg->leak_pj_ns[EU_DRAM] = t->leak_dma_pj_per_cycle;
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
	if (a->estimated[0])
		fprintf(f, "estimated (not synthesized at these parameters; "
			"scaled from the nearest synthesized set): %s\n",
			a->estimated);
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
		"  \"total_um2\": %.3f,\n  \"total_mm2\": %.6f,\n"
		"  \"estimated\": \"%s\"\n}\n", a->logic_um2, a->sram_um2,
		a->total_um2, a->total_um2 / 1e6, a->estimated);
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
		"%.6f,\n%*s\"estimated\": \"%s\"\n%*s}", indent + 2, "",
		indent + 2, "", a->total_um2, indent + 2, "",
		a->total_um2 / 1e6, indent + 2, "", a->estimated, indent, "");
}

void area_write_line(const struct area_report *a, FILE *f)
{
	uint32_t i;

	fprintf(f, "area: %.3f mm2 (", a->total_um2 / 1e6);
	for (i = 0; i < a->n; i++)
		fprintf(f, "%s%s %.3f", i ? ", " : "", a->unit[i].name,
			a->unit[i].um2 / 1e6);
	fprintf(f, "; cell area, no wiring%s)", a->estimated[0] ?
		"; estimated in part: stasim area says which" : "");
}
