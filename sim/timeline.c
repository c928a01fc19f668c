/*
 * timeline.c - segments per track and their trace-event JSON (see
 * timeline.h).
 */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

void tl_init(struct timeline *tl)
{
	static const char *const names[TL_CTR_COUNT][2] = {
		{ "act buffer in use", "KiB" }, { "wgt buffer in use", "KiB" },
		{ "out buffer tiles in use", "tiles" },
		{ "DRAM bandwidth", "GB/s" } };
	int c;

	memset(tl, 0, sizeof *tl);
	for (c = 0; c < TL_CTR_COUNT; c++) {
		tl->ctr[c].name = names[c][0];
		tl->ctr[c].unit = names[c][1];
		tl->ctr[c].last = -1;
	}
	tl->window = 1024;
	tl->max_events = 500000;
}

void tl_free(struct timeline *tl)
{
	unsigned i;

	for (i = 0; i < TL_TRACKS_MAX; i++)
		free(tl->track[i].seg);
	for (i = 0; i < TL_CTR_COUNT; i++) {
		free(tl->ctr[i].at);
		free(tl->ctr[i].v);
	}
	memset(tl, 0, sizeof *tl);
}

struct tl_track *tl_track(struct timeline *tl, unsigned i, const char *name)
{
	tl->track[i].name = name;
	if (i >= tl->n_tracks)
		tl->n_tracks = i + 1;
	return &tl->track[i];
}

/* Append the open segment to the closed ones (idle time is left out). */
static void close_seg(struct tl_track *t)
{
	if (!t->cur.len || t->cur.state == TL_IDLE || t->oom)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct tl_seg *s = realloc(t->seg, cap * sizeof *s);

		if (!s) {
			t->oom = 1;
			return;
		}
		t->seg = s;
		t->cap = cap;
	}
	t->seg[t->n++] = t->cur;
}

void tl_tile(struct tl_track *t, uint32_t r0, uint32_t c0, uint32_t k0)
{
	t->r0 = r0;
	t->c0 = c0;
	t->k0 = k0;
	t->tiles++;
}

void tl_note(struct tl_track *t, uint64_t n, uint32_t op, int state, int why,
	     int kind)
{
	struct tl_seg *c = &t->cur;
	uint32_t tile = state == TL_BUSY ? t->tiles : 0;

	if (state == TL_IDLE)
		op = 0, why = 0, kind = 0;
	if (c->len && c->state == state && c->op == op && c->why == why &&
	    c->kind == kind && c->tile == tile) {
		c->len += n;
	} else {
		close_seg(t);
		*c = (struct tl_seg){ t->now, n, op, (uint8_t)state,
				      (uint8_t)why, (uint8_t)kind, 0,
				      tile ? t->r0 : 0, tile ? t->c0 : 0,
				      tile ? t->k0 : 0, tile };
	}
	t->now += n;
}

void tl_sample(struct timeline *tl, int c, uint64_t now, double v)
{
	struct tl_counter *k = &tl->ctr[c];

	if (v == k->last || k->oom)
		return;
	if (k->n && k->at[k->n - 1] == now) {	/* the same cycle: the last word */
		k->v[k->n - 1] = v;
		k->last = v;
		return;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 256;
		uint64_t *at = realloc(k->at, cap * sizeof *at);
		double *vv = at ? realloc(k->v, cap * sizeof *vv) : NULL;

		if (at)
			k->at = at;
		if (!at || !vv) {
			k->oom = 1;
			return;
		}
		k->v = vv;
		k->cap = cap;
	}
	k->at[k->n] = now;
	k->v[k->n++] = v;
	k->last = v;
}

void tl_dram(struct timeline *tl, uint64_t now, uint64_t n, uint64_t busy)
{
	/* a stretch may span windows: its busy cycles spread evenly */
	while (n) {
		uint64_t end = tl->win_start + tl->window, take;

		take = now + n < end ? n : end - now;
		tl->win_busy += busy == n ? take : busy * take / n;
		busy -= busy == n ? take : busy * take / n;
		n -= take;
		now += take;
		if (now == end) {
			double gbs = (double)tl->win_busy * tl->bpc *
				     tl->clock_mhz / 1e3 / (double)tl->window;

			tl_sample(tl, TL_CTR_DRAM, tl->win_start, gbs);
			tl->win_start = end;
			tl->win_busy = 0;
		}
	}
}

void tl_finish(struct timeline *tl)
{
	unsigned i;

	for (i = 0; i < tl->n_tracks; i++) {
		close_seg(&tl->track[i]);
		tl->track[i].cur.len = 0;
	}
}

const char *tl_why_name(int why)
{
	static const char *const s[TL_WHY_COUNT] = {
		"", "producer not done", "operands not loaded",
		"no free output half", "command hand-over",
		"no buffer room for the next load" };

	return why >= 0 && why < TL_WHY_COUNT ? s[why] : "";
}

static size_t total(const struct timeline *tl)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < tl->n_tracks; i++)
		n += tl->track[i].n;
	return n;
}

/* Fold runs of neighbours shorter than len (and no further apart) into
 * one segment each: it spans the run, and shows its longest member. */
static void coarsen(struct tl_track *t, uint64_t len)
{
	size_t i, out = 0;

	for (i = 0; i < t->n; i++) {
		struct tl_seg *s = &t->seg[i];
		struct tl_seg *o = out ? &t->seg[out - 1] : NULL;

		if (o && s->len < len && o->start + o->len + len > s->start &&
		    (o->merged || o->len < len)) {
			uint64_t end = s->start + s->len;

			if (s->len > o->len)	/* the longest names it */
				o->op = s->op, o->state = s->state,
				o->why = s->why, o->kind = s->kind;
			o->merged += 1 + s->merged;
			o->len = end - o->start;
			continue;
		}
		t->seg[out++] = *s;
	}
	t->n = out;
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *const dma_kinds[] = { "activations", "weights", "outputs" };
static const char *const states[] = { "idle", "busy", "stall" };

static void put_seg(FILE *f, unsigned tid, const struct tl_seg *s,
		    double mhz, tl_name_fn name, const void *ctx, int dma)
{
	const char *op = name(ctx, s->op);

	fputs(",\n{\"ph\":\"X\",\"pid\":1,\"tid\":", f);
	fprintf(f, "%u,\"name\":", tid);
	put_str(f, op);
	fprintf(f, ",\"cat\":\"%s\",\"ts\":%.6f,\"dur\":%.6f,\"cname\":\"%s\","
		"\"args\":{\"state\":\"%s\"", states[s->state],
		(double)s->start / mhz, (double)s->len / mhz,
		s->state == TL_BUSY ? "good" : "bad", states[s->state]);
	if (s->why)
		fprintf(f, ",\"why\":\"%s\"", tl_why_name(s->why));
	if (dma == 1 && s->state == TL_BUSY)
		fprintf(f, ",\"data\":\"%s\"", dma_kinds[s->kind % 3]);
	fprintf(f, ",\"start_cycle\":%llu,\"cycles\":%llu",
		(unsigned long long)s->start, (unsigned long long)s->len);
	if (s->tile)
		fprintf(f, ",\"tile\":\"rows %u, cols %u, k %u\"", s->r0, s->c0,
			s->k0);
	if (s->merged)
		fprintf(f, ",\"merged\":%u", s->merged);
	fputs("}}", f);
}

int tl_write(struct timeline *tl, FILE *f, double clock_mhz,
	     const char *title, tl_name_fn name, const void *ctx,
	     size_t *merged_from, size_t *merged_to)
{
	uint64_t len = 1;
	unsigned i;
	size_t j;
	int c;

	*merged_from = total(tl);
	while (total(tl) > tl->max_events && len < ((uint64_t)1 << 62)) {
		len *= 2;
		for (i = 0; i < tl->n_tracks; i++)
			coarsen(&tl->track[i], len);
	}
	*merged_to = total(tl) == *merged_from ? 0 : total(tl);
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"stasim\","
	      "\"title\":", f);
	put_str(f, title);
	fprintf(f, ",\"clock_mhz\":%g,\"segments\":%zu,\"merged_into\":%zu},\n"
		"\"traceEvents\":[\n{\"ph\":\"M\",\"pid\":1,\"name\":"
		"\"process_name\",\"args\":{\"name\":", clock_mhz, *merged_from,
		*merged_to);
	put_str(f, title);
	fputs("}}", f);
	for (i = 0; i < tl->n_tracks; i++) {
		const struct tl_track *t = &tl->track[i];

		if (!t->name)
			continue;
		fprintf(f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":"
			"\"thread_name\",\"args\":{\"name\":", i + 1);
		put_str(f, t->name);
		fprintf(f, "}},\n{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":"
			"\"thread_sort_index\",\"args\":{\"sort_index\":%u}}",
			i + 1, i < TL_UNIT0 ? i + 100 : i);
		for (j = 0; j < t->n; j++)
			put_seg(f, i + 1, &t->seg[j], clock_mhz, name, ctx,
				i < TL_DRAM);
	}
	for (c = 0; c < TL_CTR_COUNT; c++)
		for (j = 0; j < tl->ctr[c].n; j++) {
			fputs(",\n{\"ph\":\"C\",\"pid\":1,\"name\":", f);
			put_str(f, tl->ctr[c].name);
			fprintf(f, ",\"ts\":%.6f,\"args\":{\"%s\":%.6g}}",
				(double)tl->ctr[c].at[j] / clock_mhz,
				tl->ctr[c].unit, tl->ctr[c].v[j]);
		}
	fputs("\n]}\n", f);
	return ferror(f) ? -1 : 0;
}
