/*
 * report_html.c - the report as one self-contained HTML page (see
 * report.h): summary, per-unit and per-layer charts as inline SVG, the op
 * table. No script, no font or file from the network, so it opens the same
 * anywhere and diffs byte for byte like the other formats.
 *
 * Layers are the ops' name prefixes before the first '.' (the zoo's "l3."),
 * so a 12-layer model draws 12 bars; a trace without such names draws one
 * bar per op, and beyond MAX_BARS neighbouring bars are summed.
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include "energy.h"

#define MAX_BARS 64		/* bars of one chart at most */
#define CHART_W 960		/* SVG width, px */

/* Colours of the report units (enum energy_unit), and their names here. */
static const char *const unit_colour[EU_COUNT] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };
static const char *const unit_title[EU_COUNT] = {
	"engine", "vector", "softmax", "gate", "SRAM", "DRAM" };

static void html_str(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

/* The file name of path, without directories. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A round step (1, 2 or 5 times a power of ten) for about n ticks to max. */
static double tick_step(double max, int n)
{
	double raw = max / n, p, m;

	if (raw <= 0)
		return 1;
	p = pow(10, floor(log10(raw)));
	m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* A number as a tick label: no trailing zeros. */
static void tick_label(double v, char *b, size_t n)
{
	snprintf(b, n, "%.6g", v);
}

struct bars {
	char label[MAX_BARS][64];
	double v[MAX_BARS][EU_COUNT];	/* stacked parts of each bar */
	int n, parts;
	const char *const *part_name;
	const char *const *part_colour;
};

/* A vertical stacked bar chart with a value axis and a legend. */
static void svg_bars(FILE *f, const struct bars *b, const char *title,
		     const char *y_label)
{
	const int h = 300, left = 70, right = 20, top = 40, bottom = 80;
	double max = 0, step, y;
	int i, p, pw = CHART_W - left - right, ph = h - top - bottom;
	double bw = b->n ? (double)pw / b->n : pw;
	char t[32];

	for (i = 0; i < b->n; i++) {
		double s = 0;

		for (p = 0; p < b->parts; p++)
			s += b->v[i][p];
		if (s > max)
			max = s;
	}
	step = tick_step(max, 5);
	max = max > 0 ? ceil(max / step) * step : 1;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-label=\"", CHART_W, h);
	html_str(f, title);
	fprintf(f, "\">\n<text x=\"%d\" y=\"20\" class=\"t\">", left);
	html_str(f, title);
	fprintf(f, "</text>\n<text transform=\"translate(16,%d) rotate(-90)\" "
		"text-anchor=\"middle\">", top + ph / 2);
	html_str(f, y_label);
	fputs("</text>\n", f);
	for (y = 0; y <= max + step / 2; y += step) {
		double py = top + ph - y / max * ph;

		tick_label(y, t, sizeof t);
		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			"class=\"g\"/><text x=\"%d\" y=\"%.1f\" text-anchor="
			"\"end\">%s</text>\n", left, left + pw, py, py, left - 6,
			py + 4, t);
	}
	for (i = 0; i < b->n; i++) {
		double x = left + i * bw + bw * 0.1, base = top + ph, tot = 0;

		for (p = 0; p < b->parts; p++) {
			double hh = b->v[i][p] / max * ph;

			tot += b->v[i][p];
			if (hh <= 0)
				continue;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"%s\"><title>", x,
				base - hh, bw * 0.8, hh, b->part_colour[p]);
			html_str(f, b->label[i]);
			fprintf(f, ": %s %.4g</title></rect>\n",
				b->part_name[p], b->v[i][p]);
			base -= hh;
		}
		if (b->n <= 16 && tot > 0) {	/* the bar's total */
			snprintf(t, sizeof t, tot >= 100 ? "%.0f" : "%.3g",
				 tot);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor="
				"\"middle\" class=\"v\">%s</text>\n",
				x + bw * 0.4, base - 4, t);
		}
		if (b->n <= 32 || i % ((b->n + 31) / 32) == 0) {
			fprintf(f, "<text transform=\"translate(%.1f,%d) "
				"rotate(-45)\" text-anchor=\"end\">",
				x + bw * 0.4, top + ph + 14);
			html_str(f, b->label[i]);
			fputs("</text>\n", f);
		}
	}
	for (p = 0; p < b->parts; p++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			left + 10 + p * 120, h - 18, b->part_colour[p],
			left + 28 + p * 120, h - 8, b->part_name[p]);
	fputs("</svg>\n", f);
}

/* Layer of an op: its name before the first '.', or the whole name. */
static void layer_of(const char *name, char *b, size_t n)
{
	const char *dot = strchr(name, '.');

	snprintf(b, n, "%.*s", dot ? (int)(dot - name) : (int)strlen(name),
		 name);
}

/* Per-layer bars: energy split by unit (mJ), or charged cycles (k).
 * Consecutive ops of one layer make a group; per groups make a bar. */
static void layer_bars(const struct report *rep, int energy, struct bars *b)
{
	const struct run_result *r = rep->r;
	char lay[60], prev[60] = "";
	uint32_t i, groups = 0, g = 0, per;
	int u, k;

	for (i = 0; i < r->n_ops; i++) {
		layer_of(rep->t->ops[i].name, lay, sizeof lay);
		groups += !i || strcmp(lay, prev);
		snprintf(prev, sizeof prev, "%s", lay);
	}
	per = (groups + MAX_BARS - 1) / MAX_BARS;
	per = per ? per : 1;
	memset(b, 0, sizeof *b);
	b->parts = energy ? EU_COUNT : 1;
	b->part_name = unit_title;
	b->part_colour = unit_colour;
	for (i = 0; i < r->n_ops; i++) {
		layer_of(rep->t->ops[i].name, lay, sizeof lay);
		g += i && strcmp(lay, prev);
		snprintf(prev, sizeof prev, "%s", lay);
		k = (int)(g / per);
		if (k >= b->n) {
			b->n = k + 1;
			snprintf(b->label[k], sizeof b->label[k], "%s%s", lay,
				 per > 1 ? "+" : "");
		}
		if (energy)
			for (u = 0; u < EU_COUNT; u++)
				b->v[k][u] += (r->energy[i].dyn_pj[u] +
					       r->energy[i].leak_pj[u]) / 1e9;
		else
			b->v[k][0] += (double)r->ops[i].attr_cycles / 1e3;
	}
}

/* Per-unit bars: busy and stall cycles (k), and energy (mJ). */
static void unit_bars(const struct report *rep, int energy, struct bars *b)
{
	static const char *const cyc_name[] = { "busy", "stall" };
	static const char *const cyc_colour[] = { "#1f77b4", "#d62728" };
	static const char *const e_name[] = { "dynamic", "leakage" };
	static const char *const e_colour[] = { "#1f77b4", "#aec7e8" };
	const struct run_result *r = rep->r;
	int u;

	memset(b, 0, sizeof *b);
	b->parts = 2;
	b->part_name = energy ? e_name : cyc_name;
	b->part_colour = energy ? e_colour : cyc_colour;
	for (u = 0; u < EU_COUNT; u++) {
		snprintf(b->label[b->n], sizeof b->label[0], "%s", unit_title[u]);
		if (energy) {
			b->v[b->n][0] = r->total_energy.dyn_pj[u] / 1e9;
			b->v[b->n][1] = r->total_energy.leak_pj[u] / 1e9;
		} else {
			b->v[b->n][0] = (double)r->unit[u].busy_cycles / 1e3;
			b->v[b->n][1] = (double)r->unit[u].stall_cycles / 1e3;
		}
		b->n++;
	}
}

static void summary(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	const struct config *c = rep->cfg;
	double peak = (double)c->rows * c->cols * c->n_max;

	fputs("<h2>Summary</h2>\n<table class=\"s\">\n", f);
	fprintf(f, "<tr><th>latency (ms)</th><td>%.3f</td></tr>\n"
		"<tr><th>cycles</th><td>%llu</td></tr>\n"
		"<tr><th>energy (mJ)</th><td>%.3f</td></tr>\n"
		"<tr><th>MACs</th><td>%llu</td></tr>\n"
		"<tr><th>utilization (%%)</th><td>%.1f</td></tr>\n"
		"<tr><th>DRAM traffic (MB)</th><td>%.3f</td></tr>\n"
		"<tr><th>area (mm²)</th><td>%.3f%s</td></tr>\n"
		"<tr><th>ops</th><td>%u</td></tr>\n</table>\n",
		(double)r->cycles / c->clock_mhz / 1e3,
		(unsigned long long)r->cycles, r->total_energy.total_pj / 1e9,
		(unsigned long long)r->total.macs,
		r->cycles ? 100.0 * r->total.macs / (r->cycles * peak) : 0,
		(double)(r->total.dram_rd + r->total.dram_wr) / 1e6,
		r->area.total_um2 / 1e6, r->area.estimated[0] ?
		" (estimated in part)" : "", r->n_ops);
}

static void op_table(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	const struct config *c = rep->cfg;
	double peak = (double)c->rows * c->cols * c->n_max;
	uint32_t i;

	fputs("<h2>Ops</h2>\n<table>\n<tr><th>op</th><th>kind</th><th>m</th>"
	      "<th>k</th><th>n</th><th>N:M</th><th>cycles</th><th>stall "
	      "cycles</th><th>utilization (%)</th><th>DRAM (KiB)</th>"
	      "<th>energy (µJ)</th></tr>\n", f);
	for (i = 0; i < r->n_ops; i++) {
		const struct op *op = &rep->t->ops[i];
		const struct op_stats *s = &r->ops[i];
		uint64_t cyc = s->end > s->start ? s->end - s->start : 0;
		char nm[16];

		if (op->kind == OP_GEMM || op->kind == OP_MOE)
			snprintf(nm, sizeof nm, op->nm_n == op->nm_m ? "dense" :
				 "%u:%u", op->nm_n, op->nm_m);
		else
			snprintf(nm, sizeof nm, "-");
		fputs("<tr><td>", f);
		html_str(f, op->name);
		fprintf(f, "</td><td>%s</td><td>%u</td><td>%u</td><td>%u</td>"
			"<td>%s</td><td>%llu</td><td>%llu</td><td>%.1f</td>"
			"<td>%.1f</td><td>%.3f</td></tr>\n",
			op_kind_name(op->kind), op->m, op->k, op->n, nm,
			(unsigned long long)cyc, (unsigned long long)s->stall,
			cyc ? 100.0 * s->macs / (cyc * peak) : 0,
			(double)(s->dram_rd + s->dram_wr) / 1024,
			r->energy[i].total_pj / 1e6);
	}
	fputs("</table>\n", f);
}

void report_html(const struct report *rep, FILE *f)
{
	static struct bars b;	/* large: not on the stack */
	const struct config *c = rep->cfg;
	char title[700];

	snprintf(title, sizeof title, "%s on %s", base_name(rep->t->path),
		 c->name);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	      "\"utf-8\">\n<title>stasim: ", f);
	html_str(f, title);
	fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:2em;"
	      "max-width:1000px;color:#222}\ntable{border-collapse:collapse;"
	      "font-size:13px}\nth,td{padding:2px 8px;text-align:right;"
	      "border-bottom:1px solid #ddd}\nth:first-child,td:first-child"
	      "{text-align:left}\ntable.s th{text-align:left}\nsvg{font-size:"
	      "12px;display:block;margin:1em 0}\nsvg .t{font-size:15px;"
	      "font-weight:bold}\nsvg .g{stroke:#ddd}\nsvg .v{font-size:11px;fill:#444}\n</style>\n</head>\n"
	      "<body>\n<h1>stasim report</h1>\n<p>", f);
	html_str(f, title);
	fprintf(f, " &middot; %s mode, seed %llu &middot; %u&times;%u PEs, "
		"%u mult/PE, %.0f MHz</p>\n", rep->functional ? "functional" :
		"timing", (unsigned long long)rep->seed, c->rows, c->cols,
		c->n_max, c->clock_mhz);
	summary(rep, f);
	fputs("<h2>Units</h2>\n", f);
	unit_bars(rep, 0, &b);
	svg_bars(f, &b, "Busy and stall cycles by unit", "cycles (thousands)");
	unit_bars(rep, 1, &b);
	svg_bars(f, &b, "Energy by unit", "energy (mJ)");
	fputs("<h2>Per layer</h2>\n", f);
	layer_bars(rep, 1, &b);
	svg_bars(f, &b, "Energy per layer, by unit", "energy (mJ)");
	layer_bars(rep, 0, &b);
	b.part_name = (const char *const[]){ "cycles charged" };
	svg_bars(f, &b, "Cycles per layer (each cycle charged to the oldest "
		 "unfinished op)", "cycles (thousands)");
	op_table(rep, f);
	fputs("</body>\n</html>\n", f);
}
