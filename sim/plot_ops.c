/*
 * plot_ops.c - stasim plot --report: one run's latency and energy as
 * stacked bars, per op up to PLOT_OPS_MAX ops, per layer beyond (ops
 * named lN.*; per op kind when that still leaves too many bars), each bar
 * split by unit (plot.h, docs/analysis.md).
 *
 * Latency: each op's span (start to end) split into the busy cycles of
 * the unit that runs it (tiling.unit, else its kind) and the cycles it is
 * stalled. Energy: the op's energy object (sde_pj, vec_pj, ..., one part
 * per member), or its energy_pj whole when it has none. Stacks are drawn
 * as boxes from cumulative sums, so a log axis (when bar totals span more
 * than 1.5 decades) works; there a part's length is not its share.
 */
#include "plot.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "lib/buf.h"
#include "lib/path.h"

#define OPS_W_MIN 5.5		/* figure width, inches */
#define OPS_W_MAX 7.16		/* a page's width */
#define OPS_H 4.4		/* both charts, inches */
#define LOG_SPAN 31.6		/* 1.5 decades: a log axis beyond */

/* Index of part name in parts (added when new; the last one takes any
 * beyond PLOT_PARTS_MAX). */
static int part(char (*parts)[32], int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(parts[i], name))
			return i;
	if (*n == PLOT_PARTS_MAX)
		return *n - 1;
	snprintf(parts[*n], sizeof parts[*n], "%s", name);
	return (*n)++;
}

/* Op i's latency parts into b: busy on its unit, the rest stalled. */
static void op_time(struct plot_ops *o, const struct json_val *op,
		    const char *kind, double cycles, double mhz,
		    struct plot_bar *b)
{
	const struct json_val *u = json_get(json_get(op, "tiling"), "unit");
	double busy = json_num_or(op, "busy_cycles", cycles);

	busy = busy < 0 ? 0 : busy > cycles ? cycles : busy;
	b->us[part(o->tpart, &o->ntp, u && u->t == JSON_STR ? u->str : kind)] +=
		busy / mhz;
	if (cycles > busy)
		b->us[part(o->tpart, &o->ntp, "stall")] += (cycles - busy) / mhz;
}

/* Op i's energy parts into b: the members *_pj of its energy object, or
 * energy_pj whole. */
static void op_energy(struct plot_ops *o, const struct json_val *op,
		      double pj, struct plot_bar *b)
{
	const struct json_val *e = json_get(op, "energy");
	char name[32];
	size_t i, n, got = 0;

	for (i = 0; e && e->t == JSON_OBJ && i < e->n; i++) {
		n = strlen(e->key[i]);
		if (e->kid[i].t != JSON_NUM || e->kid[i].num < 0 || n < 4 ||
		    strcmp(e->key[i] + n - 3, "_pj") || n - 3 >= sizeof name)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(n - 3), e->key[i]);
		b->uj[part(o->epart, &o->nep, name)] += e->kid[i].num / 1e6;
		got++;
	}
	if (!got)
		b->uj[part(o->epart, &o->nep, "energy")] += pj / 1e6;
}

/* The layer of an op named lN.*: "N" into buf; 0, or -1 for another name. */
static int layer_of(const char *name, char *buf, size_t len)
{
	size_t n = 1;

	if (name[0] != 'l' || !isdigit((unsigned char)name[1]))
		return -1;
	while (isdigit((unsigned char)name[n]))
		n++;
	if (name[n] != '.')
		return -1;
	snprintf(buf, len, "%.*s", (int)(n - 1), name + 1);
	return 0;
}

/* Sum bars of equal name into the first, in first-seen order. */
static size_t group(struct plot_bar *b, size_t n)
{
	size_t i, j, m = 0;
	int k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m && strcmp(b[j].name, b[i].name); j++)
			;
		if (j == m) {
			b[m++] = b[i];
			continue;
		}
		for (k = 0; k < PLOT_PARTS_MAX; k++) {
			b[j].us[k] += b[i].us[k];
			b[j].uj[k] += b[i].uj[k];
		}
		b[j].n++;
	}
	return m;
}

/* Name every bar for the grouping: per layer, or per kind when layers
 * would still leave more than PLOT_OPS_MAX bars. */
static void regroup(struct plot_ops *o, const struct json_val *ops)
{
	struct plot_bar *copy = buf_grow(NULL, o->n_ops * sizeof *copy);
	size_t i;

	memcpy(copy, o->bars, o->n_ops * sizeof *copy);
	o->per = PER_LAYER;
	for (i = 0; i < o->n_ops; i++) {
		const char *name = json_get(&ops->kid[i], "name")->str;

		if (layer_of(name, o->bars[i].name, sizeof o->bars[i].name))
			snprintf(o->bars[i].name, sizeof o->bars[i].name, "%s",
				 name);
	}
	o->nb = group(o->bars, o->n_ops);
	if (o->nb <= PLOT_OPS_MAX) {
		free(copy);
		return;
	}
	memcpy(o->bars, copy, o->n_ops * sizeof *copy);
	free(copy);
	o->per = PER_KIND;
	for (i = 0; i < o->n_ops; i++)
		snprintf(o->bars[i].name, sizeof o->bars[i].name, "%s",
			 json_get(&ops->kid[i], "kind")->str);
	o->nb = group(o->bars, o->n_ops);
}

/* ops[i]: its fields checked, its bar filled. 0, or -1 with err. */
static int read_op(const char *path, const struct json_val *op, size_t i,
		   double mhz, struct plot_ops *o, struct sim_err *err)
{
	const struct json_val *name, *kind, *cyc, *en;
	struct plot_bar *b = &o->bars[i];
	char field[96];

	snprintf(field, sizeof field, "ops[%zu]", i);
	if (op->t != JSON_OBJ)
		return err_set(err, path, op->line, field, "is not an object");
#define NEED(var, key, type) \
	snprintf(field, sizeof field, "ops[%zu].%s", i, key); \
	if (!(var = json_need(path, op, key, type, field, err))) \
		return -1
	NEED(name, "name", JSON_STR);
	NEED(kind, "kind", JSON_STR);
	NEED(cyc, "cycles", JSON_NUM);
	NEED(en, "energy_pj", JSON_NUM);
#undef NEED
	if (cyc->num < 0 || en->num < 0)
		return err_set(err, path, cyc->num < 0 ? cyc->line : en->line,
			       field, "negative");
	memset(b, 0, sizeof *b);
	snprintf(b->name, sizeof b->name, "%s", name->str);
	b->n = 1;
	op_time(o, op, kind->str, cyc->num, mhz, b);
	op_energy(o, op, en->num, b);
	return 0;
}

/* The stalled part on top of the busy ones, whatever op came first. */
static void stall_last(struct plot_ops *o)
{
	char name[32];
	double v;
	size_t i;
	int k, s;

	for (s = 0; s < o->ntp && strcmp(o->tpart[s], "stall"); s++)
		;
	for (k = s; k + 1 < o->ntp; k++) {
		memcpy(name, o->tpart[k], sizeof name);
		memcpy(o->tpart[k], o->tpart[k + 1], sizeof name);
		memcpy(o->tpart[k + 1], name, sizeof name);
		for (i = 0; i < o->nb; i++) {
			v = o->bars[i].us[k];
			o->bars[i].us[k] = o->bars[i].us[k + 1];
			o->bars[i].us[k + 1] = v;
		}
	}
}

int plot_ops_read(const char *path, const struct json_val *root,
		  struct plot_ops *o, struct sim_err *err)
{
	const struct json_val *arch, *total, *ops, *v;
	double mhz;
	size_t i;

	memset(o, 0, sizeof *o);
	if (root->t != JSON_OBJ)
		return err_set(err, path, root->line, "", "not a report: the "
			       "file is not a JSON object");
	if (!(arch = json_need(path, root, "arch", JSON_OBJ, "arch", err)) ||
	    !(v = json_need(path, arch, "clock_mhz", JSON_NUM, "arch.clock_mhz",
			    err)))
		return -1;
	if ((mhz = v->num) <= 0)
		return err_set(err, path, v->line, "arch.clock_mhz", "%g is not "
			       "a positive clock", mhz);
	if (!(total = json_need(path, root, "total", JSON_OBJ, "total", err)) ||
	    !(v = json_need(path, total, "latency_us", JSON_NUM, "total.latency_us",
			    err)))
		return -1;
	o->tot_us = v->num;
	if (!(v = json_need(path, total, "energy_pj", JSON_NUM,
			    "total.energy_pj", err)))
		return -1;
	o->tot_uj = v->num / 1e6;
	if (!(ops = json_need(path, root, "ops", JSON_ARR, "ops", err)))
		return -1;
	if (!ops->n)
		return err_set(err, path, ops->line, "ops", "empty: nothing to "
			       "plot");
	o->bars = buf_grow(NULL, ops->n * sizeof *o->bars);
	for (i = 0; i < ops->n; i++)
		if (read_op(path, &ops->kid[i], i, mhz, o, err)) {
			plot_ops_free(o);
			return -1;
		}
	o->n_ops = o->nb = ops->n;
	stall_last(o);
	if (ops->n > PLOT_OPS_MAX)
		regroup(o, ops);
	return 0;
}

void plot_ops_free(struct plot_ops *o)
{
	free(o->bars);
	o->bars = NULL;
}

/* Colour of a unit, the same in both charts. */
static const char *unit_colour(const char *u, int i)
{
	static const struct {
		const char *unit, *rgb;
	} map[] = {
		{ "sde", "#0072B2" }, { "smx", "#E69F00" }, { "vec", "#009E73" },
		{ "gate", "#CC79A7" }, { "sram", "#56B4E9" }, { "dram", "#D55E00" },
		{ "dma", "#F0E442" }, { "leakage", "#999999" },
		{ "stall", "#D9D9D9" }, { "energy", "#7F7F7F" },
	};
	static const char *const more[] = { "#882255", "#44AA99", "#332288",
		"#DDCC77" };
	size_t k;

	for (k = 0; k < sizeof map / sizeof map[0]; k++)
		if (!strcmp(u, map[k].unit))
			return map[k].rgb;
	return more[i % 4];
}

/* The axis of one chart from its bar totals: "set yrange", log when they
 * span more than LOG_SPAN. Returns the scale from µs (µJ) to the shown
 * unit, its name into unit, and the foot of the bars into *floor (0, or
 * the bottom of a log axis). */
static double chart_axis(FILE *f, const struct plot_ops *o, int energy,
			 char *unit, size_t len, double *floor)
{
	double lo = INFINITY, hi = 0, t, s = 1;
	size_t i;
	int k;

	for (i = 0; i < o->nb; i++) {
		for (t = 0, k = 0; k < (energy ? o->nep : o->ntp); k++)
			t += energy ? o->bars[i].uj[k] : o->bars[i].us[k];
		if (t > 0)
			lo = fmin(lo, t);
		hi = fmax(hi, t);
	}
	if (hi >= 1e3)	/* ms or mJ past a thousand µs or µJ */
		s = 1e-3;
	snprintf(unit, len, "%s", s < 1 ? (energy ? "mJ" : "ms") :
		 (energy ? "\xc2\xb5J" : "\xc2\xb5s"));
	*floor = 0;
	if (hi > 0 && hi / lo > LOG_SPAN) {
		*floor = lo * s / 3;
		fprintf(f, "set logscale y\nset yrange [%.6g:%.6g]\n", *floor,
			hi * s * 1.6);
	} else {
		fprintf(f, "unset logscale y\nset yrange [0:%.6g]\n",
			(hi > 0 ? hi : 1) * s * 1.08);
	}
	return s;
}

/* The sum of part k over all bars. */
static double part_total(const struct plot_ops *o, int energy, int k)
{
	double t = 0;
	size_t i;

	for (i = 0; i < o->nb; i++)
		t += energy ? o->bars[i].uj[k] : o->bars[i].us[k];
	return t;
}

/* One chart's data block: for each bar its x, then each part's bottom
 * and top, stacked from floor. */
static void chart_data(FILE *g, const struct plot_ops *o, int energy,
		       double s, double floor)
{
	double lo, hi;
	size_t i;
	int k;

	for (i = 0; i < o->nb; i++) {
		fprintf(g, "%zu", i);
		for (lo = floor, hi = 0, k = 0; k < (energy ? o->nep : o->ntp);
		     k++) {
			hi += (energy ? o->bars[i].uj[k] : o->bars[i].us[k]) * s;
			fprintf(g, " %.9g %.9g", lo, fmax(hi, floor));
			lo = fmax(hi, floor);
		}
		fputc('\n', g);
	}
	fputs("\n\n", g);
}

/* One chart: its axis, its data (index energy of dat, written to g) and
 * one box plot per part, the legend naming the units. */
static void chart(FILE *f, const struct plot_ops *o, int energy,
		  const char *dat, FILE *g)
{
	char unit[16], t[160];
	const char *sep = "";
	double s, floor;
	int k, np = energy ? o->nep : o->ntp;

	s = chart_axis(f, o, energy, unit, sizeof unit, &floor);
	snprintf(t, sizeof t, energy ? "energy (%s)" : "latency (%s)", unit);
	fputs("set ylabel ", f);
	gp_str(f, t);
	fputs(" font F9 offset 0.5,0\n", f);
	chart_data(g, o, energy, s, floor);
	if (!energy) {	/* the tics say it; the lower chart names them */
		fputs("unset xlabel\n", f);
	} else {
		fputs("set xlabel ", f);
		gp_str(f, o->per == PER_LAYER ? "layer" : o->per == PER_KIND ?
		       "op kind" : "op");
		fputs(" font F9 offset 0,0.4\n", f);
	}
	fputs("plot ", f);
	for (k = 0; k < np; k++) {
		const char *u = energy ? o->epart[k] : o->tpart[k];
		struct an_label l;

		if (!part_total(o, energy, k))
			continue;	/* not in any bar: not in the legend */
		an_label_of(u, &l);
		fputs(sep, f);
		sep = ", \\\n     ";
		gp_str(f, dat);
		fprintf(f, " index %d using 1:(($%d+$%d)/2):($1-0.38):($1+0.38):"
			"%d:%d with boxxyerror fs solid 0.9 border lc rgb "
			"'#333333' lw 0.5*LW lc rgb '%s' title ", energy,
			2 + 2 * k, 3 + 2 * k, 2 + 2 * k, 3 + 2 * k,
			unit_colour(u, k));
		snprintf(t, sizeof t, "%s%s", l.name, !energy && strcmp(u,
			 "stall") ? " busy" : "");
		gp_str(f, t);
	}
	fputc('\n', f);
}

/* "vit-b16-2of4 on sta-default: 4.76 ms, 21.2 mJ; 12 layers". */
static void ops_title(const char *path, const struct json_val *root,
		      const struct plot_ops *o, char *t, size_t len)
{
	const struct json_val *tr = json_get(json_get(root, "run"), "trace");
	const struct json_val *an = json_get(json_get(root, "arch"), "name");
	char name[256];
	size_t n;

	an_value("trace", tr && tr->t == JSON_STR ? tr->str : path, name,
		 sizeof name);
	n = (size_t)snprintf(t, len, "%s", name);
	if (an && an->t == JSON_STR && n < len)
		n += (size_t)snprintf(t + n, len - n, " on %s", an->str);
	if (n < len)
		n += (size_t)snprintf(t + n, len - n, ": %.3g %s, %.3g %s",
				      o->tot_us >= 1e3 ? o->tot_us / 1e3 : o->tot_us,
				      o->tot_us >= 1e3 ? "ms" : "\xc2\xb5s",
				      o->tot_uj >= 1e3 ? o->tot_uj / 1e3 : o->tot_uj,
				      o->tot_uj >= 1e3 ? "mJ" : "\xc2\xb5J");
}

/* The second title line: what a bar is. */
static void ops_subtitle(const struct plot_ops *o, char *t, size_t len)
{
	if (o->per == PER_OP)
		snprintf(t, len, "%zu ops; an op's latency is its span, start "
			 "to end", o->n_ops);
	else
		snprintf(t, len, "%zu ops, a bar per %s; a bar sums its ops' "
			 "spans, which overlap", o->n_ops, o->per == PER_LAYER ?
			 "layer (ops lN.*)" : "op kind");
}

/* The x tics: every bar's name, turned when there are many; the upper
 * chart (named unset) leaves turned names to the lower one, where they
 * have room. */
static void ops_tics(FILE *f, const struct plot_ops *o, int named)
{
	double w = 0;
	size_t i;
	int turn;

	for (i = 0; i < o->nb; i++)	/* names side by side, 8 pt */
		w += 0.072 * (double)strlen(o->bars[i].name) + 0.08;
	turn = w > OPS_W_MAX - 2.3;

	fprintf(f, "set xrange [-0.6:%.1f]\nset xtics (", (double)o->nb - 0.4);
	for (i = 0; i < o->nb; i++) {
		gp_str(f, named || !turn ? o->bars[i].name : "");
		fprintf(f, " %zu%s", i, i + 1 < o->nb ? ", " : ")\n");
	}
	/* after the list: "font F8 (" would read as a call of F8 */
	fprintf(f, "set xtics nomirror scale 0 font F8%s\n", turn ?
		" rotate by -50 left" : " norotate");
}

int plot_ops_draw(const char *path, const struct json_val *root,
		  const struct plot_ops *o, struct gp_fig *fig, const char *gp)
{
	struct gp_work wk = { .dir = "" };
	struct sim_err err;
	const char *dat, *body;
	char title[600];
	FILE *f = NULL, *g = NULL;
	int rc;

	if (path_make_dirs(fig->dir, "-o", &err) || gp_work_open(&wk, &err))
		goto fail;
	dat = gp_work_file(&wk, "ops.dat");
	body = gp_work_file(&wk, "body.gp");
	if (!(f = gp_create(body, &err)) || !(g = gp_create(dat, &err)))
		goto fail;
	fig->w_in = 4.5 + 0.12 * (double)o->nb;
	fig->w_in = fig->w_in < OPS_W_MIN ? OPS_W_MIN : fig->w_in > OPS_W_MAX ?
		OPS_W_MAX : fig->w_in;
	fig->h_in = OPS_H;
	ops_title(path, root, o, title, sizeof title);
	fputs("reset\nset encoding utf8\nset label 80 ", f);
	gp_str(f, title);
	fprintf(f, " at screen 0.5, screen %.4f center font F9\n",
		1 - 0.14 / OPS_H);
	ops_subtitle(o, title, sizeof title);
	fputs("set label 81 ", f);
	gp_str(f, title);
	/* both charts share the margins: 0.85 in left for the tics and
	 * label, 1.45 in right for the legend, 0.5 in on top for the title,
	 * 0.55 in under for the tics and label */
	fprintf(f, " at screen 0.5, screen %.4f center font F8\n"
		"set multiplot layout 2,1 margins %.4f,%.4f,%.4f,%.4f "
		"spacing 0,%.4f\n", 1 - 0.3 / OPS_H, 0.85 / fig->w_in,
		1 - 1.45 / fig->w_in, 0.55 / OPS_H, 1 - 0.5 / OPS_H, 0.45 / OPS_H);
	fputs("set grid ytics lc rgb '#dddddd' lw LW\n"
	      "set border lw LW\nset ytics font F8 nomirror\n"
	      "set key outside right top vertical Left reverse font F8 "
	      "samplen 1 spacing 1.1\n", f);
	ops_tics(f, o, 0);
	chart(f, o, 0, dat, g);
	ops_tics(f, o, 1);
	chart(f, o, 1, dat, g);
	fputs("unset multiplot\n", f);
	if (gp_close(&f, body, &err) || gp_close(&g, dat, &err))
		goto fail;
	rc = gp_render(&wk, gp, fig, body);
	gp_work_close(&wk);
	return rc;
fail:
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	gp_work_close(&wk);
	return err_print("stasim", &err, SIM_EXIT_USAGE);
}
