/*
 * report.c - report writers (see report.h and docs/report.md).
 *
 * Derived figures: time_us = cycles / clock_mhz; utilization = macs /
 * (cycles * peak_macs_per_cycle); sram_bytes = all buffer reads + writes.
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "energy.h"

int report_parse_format(const char *s, enum report_format *f)
{
	static const char *const names[] = { "txt", "csv", "json", "md",
					     "html" };
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum report_format)i;
			return 0;
		}
	return -1;
}

static uint64_t peak(const struct config *c)
{
	return (uint64_t)c->rows * c->cols * c->n_max;
}

static uint64_t sram_bytes(const struct op_stats *s)
{
	return s->act_rd + s->act_wr + s->wgt_rd + s->wgt_wr + s->out_rd +
	       s->out_wr;
}

static uint64_t op_cycles(const struct op_stats *s)
{
	return s->end > s->start ? s->end - s->start : 0;
}

static double util(const struct config *c, uint64_t macs, uint64_t cycles)
{
	return cycles ? (double)macs / ((double)cycles * peak(c)) : 0;
}

static void nm_text(const struct op *op, char *buf, size_t len)
{
	if (!op_is_matrix(op) && op->kind != OP_MOE)
		snprintf(buf, len, "-");
	else if (op->kind == OP_MATMUL || op->nm_n == op->nm_m)
		snprintf(buf, len, "dense");
	else
		snprintf(buf, len, "%u:%u", op->nm_n, op->nm_m);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* ---- json ---- */

static void json_arch(const struct report *rep, FILE *f)
{
	const struct config *c = rep->cfg;

	fprintf(f, "  \"arch\": {\n    \"name\": ");
	json_str(f, c->name);
	fprintf(f, ",\n    \"clock_mhz\": %.6g,\n    \"rows\": %u,\n"
		"    \"cols\": %u,\n    \"n_max\": %u,\n    \"m_max\": %u,\n"
		"    \"act_bits\": %u,\n    \"weight_bits\": %u,\n"
		"    \"multipliers\": %llu,\n    \"peak_macs_per_cycle\": %llu,\n"
		"    \"dram_bytes_per_cycle\": %.6f,\n"
		"    \"dram_latency_cycles\": %llu,\n    \"burst_bytes\": %u,\n"
		"    \"act_kib\": %u,\n    \"wgt_kib\": %u,\n    \"out_kib\": %u,\n"
		"    \"double_buffer\": %s,\n    \"acc_double_buffer\": %s\n  },\n",
		c->clock_mhz, c->rows, c->cols, c->n_max, c->m_max, c->act_bits,
		c->weight_bits, (unsigned long long)peak(c),
		(unsigned long long)peak(c), config_dram_bytes_per_cycle(c),
		(unsigned long long)config_dram_latency_cycles(c), c->burst_bytes,
		c->act_kib, c->wgt_kib, c->out_kib,
		c->double_buffer ? "true" : "false",
		c->acc_double_buffer ? "true" : "false");
}

static void json_total(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	const struct op_stats *s = &r->total;

	double us = r->cycles / rep->cfg->clock_mhz;

	fprintf(f, "  \"total\": {\n    \"cycles\": %llu,\n    \"latency_us\": %.3f,\n"
		"    \"energy_pj\": %.3f,\n    \"edp_pj_us\": %.10g,\n"
		"    \"macs\": %llu,\n"
		"    \"dense_macs\": %llu,\n    \"utilization_pct\": %.4f,\n"
		"    \"dram_bytes\": %llu,\n    \"dram_read_bytes\": %llu,\n"
		"    \"dram_write_bytes\": %llu,\n    \"sram_bytes\": %llu,\n"
		"    \"stall_cycles\": %llu,\n    \"ops\": %u\n  },\n",
		(unsigned long long)r->cycles, us, r->total_energy.total_pj,
		r->total_energy.total_pj * us, (unsigned long long)s->macs,
		(unsigned long long)s->dense_macs,
		100 * util(rep->cfg, s->macs, r->cycles),
		(unsigned long long)(s->dram_rd + s->dram_wr),
		(unsigned long long)s->dram_rd, (unsigned long long)s->dram_wr,
		(unsigned long long)sram_bytes(s), (unsigned long long)s->stall,
		r->n_ops);
}

static void json_units(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	int u;

	fprintf(f, "  \"units\": {\n");
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, "    \"%s\": { \"busy_cycles\": %llu, \"stall_cycles\": "
			"%llu, \"energy_pj\": %.3f, \"dynamic_pj\": %.3f, "
			"\"leakage_pj\": %.3f }%s\n", energy_unit_name(u),
			(unsigned long long)r->unit[u].busy_cycles,
			(unsigned long long)r->unit[u].stall_cycles,
			r->total_energy.dyn_pj[u] + r->total_energy.leak_pj[u],
			r->total_energy.dyn_pj[u], r->total_energy.leak_pj[u],
			u + 1 < EU_COUNT ? "," : "");
	fprintf(f, "  },\n");
}

/* Tokens per expert: min, mean, max over all experts. */
static void moe_spread(const struct moe_info *m, uint32_t *lo, double *mean,
		       uint32_t *hi)
{
	uint64_t sum = 0;
	uint32_t e;

	*lo = UINT32_MAX;
	*hi = 0;
	for (e = 0; e < m->experts; e++) {
		sum += m->tokens[e];
		*lo = m->tokens[e] < *lo ? m->tokens[e] : *lo;
		*hi = m->tokens[e] > *hi ? m->tokens[e] : *hi;
	}
	*mean = (double)sum / m->experts;
}

static void json_moe(const struct moe_info *m, FILE *f)
{
	uint32_t e, lo, hi;
	double mean;

	moe_spread(m, &lo, &mean, &hi);
	fprintf(f, ",\n      \"moe\": { \"experts\": %u, \"topk\": %u, "
		"\"active_experts\": %u, \"order\": \"%s\", "
		"\"tokens_per_expert\": [", m->experts, m->topk, m->active,
		m->order == CFG_MOE_TOKEN ? "token" : "expert");
	for (e = 0; e < m->experts; e++)
		fprintf(f, "%s%u", e ? ", " : "", m->tokens[e]);
	fprintf(f, "], \"tokens_min\": %u, \"tokens_mean\": %.3f, "
		"\"tokens_max\": %u, \"dropped_tokens\": %u, "
		"\"expert_weight_bytes\": %llu, \"gating_cycles\": %llu, "
		"\"imbalance_cycles\": %llu }", lo, mean, hi, m->dropped,
		(unsigned long long)m->weight_bytes,
		(unsigned long long)m->gating_cycles,
		(unsigned long long)m->imbalance_cycles);
}

/* "sde_pj": ..., "vec_pj": ..., one per unit, leakage included. */
static void json_unit_energy(const struct energy_op *e, FILE *f)
{
	double leak = 0;
	int u;

	for (u = 0; u < EU_COUNT; u++) {
		fprintf(f, "\"%s_pj\": %.3f, ", energy_unit_name(u),
			e->dyn_pj[u] + e->leak_pj[u]);
		leak += e->leak_pj[u];
	}
	fprintf(f, "\"leakage_pj\": %.3f", leak);
}

static const char *const search_name[] = { "exhaustive", "greedy", "fixed" };

/* An engine op's mapping: the tiling, where its partial sums and operands
 * live, what the mapper predicted and what the run moved. */
static void json_mapping(const struct report *rep, const struct plan_op *p,
			 const struct op_stats *s, FILE *f)
{
	const struct plan_map *m = &p->mapping;

	fprintf(f, ",\n      \"mapping\": { \"tm\": %u, \"tn\": %u, \"tk\": %u, "
		"\"loop_order\": \"%s\", \"psum\": \"%s\", "
		"\"a_on_chip\": %s, \"b_on_chip\": %s, \"out_on_chip\": %s, "
		"\"search\": \"%s\", \"candidates\": %u, \"simulated\": %u, "
		"\"predicted_dram_bytes\": %llu, \"predicted_cycles\": %llu, "
		"\"dram_bytes\": %llu }",
		p->tm, p->tn, p->tk,
		p->psum ? (p->m_outer ? "m,n,k" : "n,m,k") :
			  (p->m_outer ? "m,n" : "n,m"),
		p->psum ? (p->o_whole ? "out-buffer-whole" : "out-buffer") : "pe",
		p->a_res || p->a_onchip ? "true" : "false",
		p->b_res ? "true" : "false",
		p->o_res || p->o_onchip ? "true" : "false",
		rep->r->map_fixed ? "fixed" : search_name[m->search],
		m->candidates, m->simulated,
		(unsigned long long)m->pred_dram,
		(unsigned long long)m->pred_cycles,
		(unsigned long long)(s->dram_rd + s->dram_wr));
}

static void json_op(const struct report *rep, uint32_t i, FILE *f)
{
	const struct op *op = &rep->t->ops[i];
	const struct op_stats *s = &rep->r->ops[i];
	const struct plan_op *p = &rep->r->plans[rep->r->first[i]];
	char nm[32];

	nm_text(op, nm, sizeof nm);
	fprintf(f, "    { \"name\": ");
	json_str(f, op->name);
	fprintf(f, ", \"kind\": \"%s\", \"m\": %u, \"k\": %u, \"n\": %u, "
		"\"heads\": %u, \"nm\": \"%s\",\n      \"start_cycle\": %llu, "
		"\"end_cycle\": %llu, \"cycles\": %llu, \"busy_cycles\": %llu, "
		"\"stall_cycles\": %llu,\n      \"macs\": %llu, \"dense_macs\": "
		"%llu, \"utilization_pct\": %.4f, \"dram_bytes\": %llu, "
		"\"dram_read_bytes\": %llu, \"dram_write_bytes\": %llu, "
		"\"sram_bytes\": %llu,\n      \"energy_pj\": %.3f, \"energy\": { ",
		op_kind_name(op->kind), op->m, op->k, op->n, op->heads, nm,
		(unsigned long long)s->start, (unsigned long long)s->end,
		(unsigned long long)op_cycles(s), (unsigned long long)s->busy,
		(unsigned long long)s->stall, (unsigned long long)s->macs,
		(unsigned long long)s->dense_macs,
		100 * util(rep->cfg, s->macs, op_cycles(s)),
		(unsigned long long)(s->dram_rd + s->dram_wr),
		(unsigned long long)s->dram_rd, (unsigned long long)s->dram_wr,
		(unsigned long long)sram_bytes(s), rep->r->energy[i].total_pj);
	json_unit_energy(&rep->r->energy[i], f);
	fprintf(f, " },\n      \"tiling\": { \"tm\": %u, \"tn\": %u, "
		"\"tk\": %u, \"order\": \"%s\", \"unit\": \"%s\", "
		"\"fused_in\": %s, \"fused_out\": %s, \"steps\": %llu }",
		p->tm, p->tn, p->tk, p->m_outer ? "m-outer" : "n-outer",
		energy_unit_name(p->uc->eu),
		p->a_onchip ? "true" : "false", p->o_onchip ? "true" : "false",
		(unsigned long long)s->steps);
	if (p->uc->map_estimate && p->src.kind == op->kind)	/* not MoE parts */
		json_mapping(rep, p, s, f);
	if (rep->r->moe[i])
		json_moe(rep->r->moe[i], f);
	fprintf(f, " }%s\n", i + 1 < rep->r->n_ops ? "," : "");
}

static void write_json(const struct report *rep, FILE *f)
{
	uint32_t i;

	fprintf(f, "{\n  \"stasim\": { \"report_version\": 3 },\n  \"run\": {"
		" \"config\": ");
	json_str(f, rep->cfg->path);
	fprintf(f, ", \"trace\": ");
	json_str(f, rep->t->path);
	fprintf(f, ", \"energy_table\": ");
	json_str(f, rep->cfg->energy.path);
	fprintf(f, ", \"mode\": \"%s\", \"seed\": %llu, \"checked_outputs\": "
		"%llu },\n", rep->functional ? "functional" : "timing",
		(unsigned long long)rep->seed,
		(unsigned long long)rep->r->checked);
	json_arch(rep, f);
	json_total(rep, f);
	json_units(rep, f);
	fprintf(f, "  \"area\": ");
	area_write_json_object(&rep->r->area, 2, f);
	fprintf(f, ",\n");
	fprintf(f, "  \"ops\": [\n");
	for (i = 0; i < rep->r->n_ops; i++)
		json_op(rep, i, f);
	fprintf(f, "  ]\n}\n");
}

/* ---- csv ---- */

static void csv_row(const struct report *rep, const char *name,
		    const char *kind, const struct op *op,
		    const struct op_stats *s, uint64_t cycles,
		    const struct energy_op *e, FILE *f)
{
	char nm[32] = "";

	if (op)
		nm_text(op, nm, sizeof nm);
	int u;

	fprintf(f, "%s,%s,%u,%u,%u,%u,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,"
		"%.4f,%llu,%llu,%llu,%llu,%.3f", name, kind,
		op ? op->m : 0, op ? op->k : 0, op ? op->n : 0,
		op ? (op->heads) : 0, nm,
		(unsigned long long)s->start, (unsigned long long)s->end,
		(unsigned long long)cycles, (unsigned long long)s->busy,
		(unsigned long long)s->stall, (unsigned long long)s->macs,
		(unsigned long long)s->dense_macs,
		100 * util(rep->cfg, s->macs, cycles),
		(unsigned long long)s->dram_rd, (unsigned long long)s->dram_wr,
		(unsigned long long)(s->dram_rd + s->dram_wr),
		(unsigned long long)sram_bytes(s), e->total_pj);
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, ",%.3f", e->dyn_pj[u] + e->leak_pj[u]);
	fputc('\n', f);
}

static void write_csv(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	uint32_t i;

	int u;

	/* the ops alone: the total is total.csv (report_write_dir), so that
	 * every row is an op */
	fprintf(f, "name,kind,m,k,n,heads,nm,start_cycle,end_cycle,cycles,"
		"busy_cycles,stall_cycles,macs,dense_macs,utilization_pct,"
		"dram_read_bytes,dram_write_bytes,dram_bytes,sram_bytes,energy_pj");
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, ",energy.%s_pj", energy_unit_name(u));
	fputc('\n', f);
	for (i = 0; i < r->n_ops; i++)
		csv_row(rep, rep->t->ops[i].name,
			op_kind_name(rep->t->ops[i].kind), &rep->t->ops[i],
			&r->ops[i], op_cycles(&r->ops[i]), &r->energy[i], f);
}

/* total.csv: the run's totals, one row, named as in report.json's total
 * and sweep results. */
static void write_total_csv(const struct report *rep, FILE *f)
{
	const struct run_result *r = rep->r;
	const struct op_stats *s = &r->total;
	double us = r->cycles / rep->cfg->clock_mhz;
	int u;

	fprintf(f, "cycles,latency_us,energy_pj,edp_pj_us,macs,dense_macs,"
		"utilization_pct,dram_bytes,dram_read_bytes,dram_write_bytes,"
		"sram_bytes,stall_cycles,ops");
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, ",energy.%s_pj", energy_unit_name(u));
	fprintf(f, "\n%llu,%.3f,%.3f,%.10g,%llu,%llu,%.4f,%llu,%llu,%llu,%llu,"
		"%llu,%u", (unsigned long long)r->cycles, us,
		r->total_energy.total_pj, r->total_energy.total_pj * us,
		(unsigned long long)s->macs, (unsigned long long)s->dense_macs,
		100 * util(rep->cfg, s->macs, r->cycles),
		(unsigned long long)(s->dram_rd + s->dram_wr),
		(unsigned long long)s->dram_rd, (unsigned long long)s->dram_wr,
		(unsigned long long)sram_bytes(s), (unsigned long long)s->stall,
		r->n_ops);
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, ",%.3f", r->total_energy.dyn_pj[u] +
			r->total_energy.leak_pj[u]);
	fputc('\n', f);
}

/* ---- txt and md ---- */

static void table_row(const struct report *rep, const char *name,
		      const char *kind, const char *nm,
		      const struct op_stats *s, uint64_t cycles, double pj,
		      int md, FILE *f)
{
	double kib = (s->dram_rd + s->dram_wr) / 1024.0;
	double u = 100 * util(rep->cfg, s->macs, cycles);
	const char *fmt = md ? "| %s | %s | %s | %llu | %.3f | %llu | %.1f | "
			       "%.3f | %.3f | %.1f | %.3f |\n"
			     : "%-16s %-9s %-6s %12llu %10.3f %12llu %6.1f "
			       "%10.3f %11.3f %10.1f %10.3f\n";

	fprintf(f, fmt, name, kind, nm, (unsigned long long)cycles,
		cycles / rep->cfg->clock_mhz, (unsigned long long)s->stall, u,
		s->macs / 1e6, s->dense_macs / 1e6, kib, pj / 1e6);
}

static void write_moe_lines(const struct report *rep, int md, FILE *f)
{
	uint32_t i, lo, hi, n = 0;
	double mean;

	for (i = 0; i < rep->r->n_ops; i++) {
		const struct moe_info *m = rep->r->moe[i];

		if (!m)
			continue;
		if (!n++)
			fprintf(f, md ? "\n| MoE layer | active experts | tokens/expert "
				      "min/mean/max | dropped | expert weight KiB | "
				      "gating cycles | imbalance cycles |\n"
				      "|---|---:|---|---:|---:|---:|---:|\n"
				      : "\n%-16s %8s %20s %8s %12s %10s %10s\n",
				"MoE layer", "active", "tokens min/mean/max",
				"dropped", "weight_KiB", "gating", "imbalance");
		moe_spread(m, &lo, &mean, &hi);
		fprintf(f, md ? "| %s | %u | %u / %.1f / %u | %u | %.1f | %llu | %llu |\n"
			      : "%-16s %8u %8u/%5.1f/%5u %8u %12.1f %10llu %10llu\n",
			rep->t->ops[i].name, m->active, lo, mean, hi, m->dropped,
			m->weight_bytes / 1024.0,
			(unsigned long long)m->gating_cycles,
			(unsigned long long)m->imbalance_cycles);
	}
}

/* One engine op's tiling in a few words: "128x256x768 n,m,k out-buffer A". */
static void mapping_text(const struct plan_op *p, char *b, size_t n)
{
	snprintf(b, n, "%ux%ux%u %s %s%s%s%s", p->tm, p->tn, p->tk,
		 p->psum ? (p->m_outer ? "m,n,k" : "n,m,k") :
			   (p->m_outer ? "m,n" : "n,m"),
		 p->psum ? (p->o_whole ? "out-buffer-whole" : "out-buffer") : "pe",
		 p->a_res ? " A-on-chip" : "", p->b_res ? " B-on-chip" : "",
		 p->o_res ? " out-on-chip" : "");
}

/* A distinct tiling (text and op shape): where it first shows, how often. */
struct tiling_seen {
	char text[160];
	const struct plan_op *p;
	uint32_t first, count;
};

/* The entry of op i's tiling in d[0 .. *n - 1], added when new. */
static struct tiling_seen *tiling_of(struct tiling_seen *d, uint32_t *n,
				     const struct plan_op *p, uint32_t i)
{
	char text[160];
	uint32_t j;

	mapping_text(p, text, sizeof text);
	for (j = 0; j < *n; j++)
		if (!strcmp(d[j].text, text) && d[j].p->m == p->m &&
		    d[j].p->k == p->k && d[j].p->n == p->n)
			return &d[j];
	d[*n] = (struct tiling_seen){ "", p, i, 0 };
	memcpy(d[*n].text, text, sizeof text);
	return &d[(*n)++];
}

/* The engine ops' tilings, once per distinct one: the first op that has
 * it, how many more do, and the tiling. Work: ops x distinct tilings. */
static void write_mappings(const struct report *rep, int md, FILE *f)
{
	const struct run_result *r = rep->r;
	struct tiling_seen *d = malloc((r->n_ops ? r->n_ops : 1) * sizeof *d);
	uint32_t i, n = 0, shown = 0;

	if (!d)
		return;
	for (i = 0; i < r->n_ops; i++)
		if (r->plans[r->first[i]].uc->map_estimate)
			tiling_of(d, &n, &r->plans[r->first[i]], i)->count++;
	for (i = 0; i < r->n_ops; i++) {
		const struct plan_op *p = &r->plans[r->first[i]];
		const struct tiling_seen *e;

		if (!p->uc->map_estimate || p->src.kind != rep->t->ops[i].kind)
			continue;
		e = tiling_of(d, &n, p, i);
		if (e->first != i)
			continue;
		if (!shown++)
			fprintf(f, md ? "\n| engine op (and others alike) | tiling "
				      "tm x tn x tk, loops, sums, on chip |\n"
				      "|---|---|\n"
				      : "\nengine tilings (mapper: %s; tm x tn x "
				      "tk, loops outer to inner, where sums "
				      "accumulate, what stays on chip):\n",
				r->map_fixed ? "fixed, kept over the search" :
				search_name[p->mapping.search]);
		fprintf(f, md ? "| %s (+%u) | %s |\n" : "  %-16s +%-4u %s\n",
			rep->t->ops[i].name, e->count - 1, e->text);
	}
	free(d);
}

static void write_table(const struct report *rep, int md, FILE *f)
{
	const struct run_result *r = rep->r;
	const struct config *c = rep->cfg;
	uint32_t i;
	int u;

	fprintf(f, md ? "# stasim report\n\n- config: `%s` (%s)\n- trace: `%s`\n"
		      : "stasim report\n  config: %s (%s)\n  trace:  %s\n",
		c->path, c->name, rep->t->path);
	fprintf(f, md ? "- mode: %s, seed %llu\n- engine: %ux%u PEs, %u mult/PE, "
		      "%u:1 mux, %.6g MHz, peak %llu MAC/cycle; DRAM %.3f B/cycle\n\n"
		      : "  mode:   %s, seed %llu\n  engine: %ux%u PEs, %u mult/PE, "
		      "%u:1 mux, %.6g MHz, peak %llu MAC/cycle; DRAM %.3f B/cycle\n\n",
		rep->functional ? "functional" : "timing",
		(unsigned long long)rep->seed, c->rows, c->cols, c->n_max,
		c->m_max, c->clock_mhz, (unsigned long long)peak(c),
		config_dram_bytes_per_cycle(c));
	fprintf(f, md ? "| op | kind | nm | cycles | latency_us | stall_cycles | "
		      "utilization_pct | mmacs | dense_mmacs | dram_kib | "
		      "energy_uj |\n"
		      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
		      : "%-16s %-9s %-6s %12s %10s %12s %6s %10s %11s %10s %10s\n",
		"op", "kind", "nm", "cycles", "latency_us", "stall_cycles",
		"util_%", "mmacs", "dense_mmacs", "dram_kib", "energy_uj");
	for (i = 0; i < r->n_ops; i++) {
		char nm[32];

		nm_text(&rep->t->ops[i], nm, sizeof nm);
		table_row(rep, rep->t->ops[i].name,
			  op_kind_name(rep->t->ops[i].kind), nm, &r->ops[i],
			  op_cycles(&r->ops[i]), r->energy[i].total_pj, md, f);
	}
	table_row(rep, "TOTAL", "", "", &r->total, r->cycles,
		  r->total_energy.total_pj, md, f);
	fprintf(f, md ? "\n| unit | busy cycles | stall cycles | energy uJ | "
		      "leakage uJ |\n|---|---:|---:|---:|---:|\n"
		      : "\n%-8s %14s %14s %12s %12s\n", "unit", "busy_cycles",
		"stall_cycles", "energy_uj", "leakage_uj");
	for (u = 0; u < EU_COUNT; u++)
		fprintf(f, md ? "| %s | %llu | %llu | %.3f | %.3f |\n"
			      : "%-8s %14llu %14llu %12.3f %12.3f\n",
			energy_unit_name(u),
			(unsigned long long)r->unit[u].busy_cycles,
			(unsigned long long)r->unit[u].stall_cycles,
			(r->total_energy.dyn_pj[u] + r->total_energy.leak_pj[u]) / 1e6,
			r->total_energy.leak_pj[u] / 1e6);
	fprintf(f, md ? "\n- " : "\n");
	area_write_line(&rep->r->area, f);
	fprintf(f, "\n");
	write_moe_lines(rep, md, f);
	write_mappings(rep, md, f);
	if (rep->functional)
		fprintf(f, "\nfunctional: %llu output elements checked against the "
			"references, all equal\n",
			(unsigned long long)r->checked);
}

static void write_md(const struct report *rep, FILE *f)
{
	write_table(rep, 1, f);
}

static void write_txt(const struct report *rep, FILE *f)
{
	write_table(rep, 0, f);
}

/* The writer of each format, by enum report_format. */
static void (*const writers[])(const struct report *, FILE *) = {
	[REPORT_TXT] = write_txt, [REPORT_CSV] = write_csv,
	[REPORT_JSON] = write_json, [REPORT_MD] = write_md,
	[REPORT_HTML] = report_html,
};

void report_write(const struct report *rep, enum report_format fmt, FILE *f)
{
	writers[fmt](rep, f);
}

/* dir/name written by fn, all or nothing. */
static int write_file(const struct report *rep, const char *dir,
		      const char *name,
		      void (*fn)(const struct report *, FILE *),
		      struct sim_err *err)
{
	char path[1024];
	struct afile a;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (afile_open(&a, path, "-o", err))
		return -1;
	fn(rep, a.f);
	return afile_commit(&a, "-o", err);
}

int report_write_dir(const struct report *rep, const char *dir,
		     struct sim_err *err)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return err_set(err, dir, 0, "-o", "cannot create directory: %s",
			       strerror(errno));
	if (write_file(rep, dir, "report.json", write_json, err) ||
	    write_file(rep, dir, "report.csv", write_csv, err) ||
	    write_file(rep, dir, "total.csv", write_total_csv, err) ||
	    write_file(rep, dir, "report.md", write_md, err) ||
	    write_file(rep, dir, "report.html", report_html, err))
		return -1;
	return 0;
}
