/*
 * sweep_spec.c - reading a sweep spec and naming its points (sweep_spec.h,
 * docs/sweeps.md).
 *
 * The spec is an INI file read by lib/ini under the line rules of a config
 * file, except that an indented line continues a list; [sweep], [keys] and
 * [constraints] fill a struct sw_spec.
 * A point's id enumerates the key values (last key fastest) times the
 * traces (fastest of all); its hash is FNV-1a (lib/hash.h) of its trace
 * and its key=value pairs in name order.
 *
 * Invariant: a loaded spec has its base and traces, every key a config
 * key with at least one value and no value twice, every constraint's
 * operands resolved, and n_points <= SW_POINTS_MAX.
 */
#include "sweep_spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lib/hash.h"
#include "lib/ini.h"
#include "lib/num.h"

/* s without leading and trailing blanks, in place. */
static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* dir(spec) + rel, or rel when absolute or spec has no directory part. */
int sw_join(const char *spec, const char *rel, char *out, size_t n)
{
	const char *slash = strrchr(spec, '/');
	int dir = (rel[0] == '/' || !slash) ? 0 : (int)(slash - spec + 1);
	int len = snprintf(out, n, "%.*s%s", dir, spec, rel);

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/*
 * Hash of a point: its trace as written in the spec, then "key=value" for
 * each swept key in name order (order[] lists key indices by name), each
 * item NUL-terminated. Nothing else of the spec enters it.
 */
uint64_t sw_point_hash(const char *trace, const char *const *names,
			   const char *const *vals, const int *order, int n)
{
	uint64_t h = hash_bytes(0xcbf29ce484222325ull, trace, strlen(trace) + 1);
	int i;

	for (i = 0; i < n; i++) {
		h = hash_bytes(h, names[order[i]], strlen(names[order[i]]));
		h = hash_bytes(h, "=", 1);
		h = hash_bytes(h, vals[order[i]], strlen(vals[order[i]]) + 1);
	}
	return h;
}

/* order[0..n) = 0..n-1 sorted by names (insertion sort: n is small). */
void sw_name_order(const char *const *names, int *order, int n)
{
	int i, j, x;

	for (i = 0; i < n; i++) {
		x = i;
		for (j = i; j > 0 && strcmp(names[order[j - 1]], names[x]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
}

static const char *const cmp_names[CMP_COUNT] = { "<", "<=", ">", ">=",
						  "==", "!=" };

static const char *const sweep_keys[SW_SEEN + 1] = { "base", "traces", "mode",
						     "seed", NULL };

static int list_add(struct sw_list *l, const char *s)
{
	char **p, *c;

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;

		if (!(p = realloc(l->s, cap * sizeof *p)))
			return -1;
		l->s = p;
		l->cap = cap;
	}
	if (!(c = malloc(strlen(s) + 1)))
		return -1;
	strcpy(c, s);
	l->s[l->n++] = c;
	return 0;
}

static void list_free(struct sw_list *l)
{
	uint32_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof *l);
}

void sw_spec_free(struct sw_spec *sp)
{
	int i;

	list_free(&sp->traces);
	list_free(&sp->bases);
	for (i = 0; i < sp->n_keys; i++)
		list_free(&sp->key[i].val);
}

/* State of the spec being parsed; the reader hands it to the callbacks. */
struct sw_parse {
	struct ini *r;		/* the reader: line, indentation, errors */
	struct sw_spec *sp;	/* filled as lines are handled */
	char last_sect[64];	/* section of the last key handled */
	char last_name[SW_NAME_MAX]; /* that key; a continuation line repeats it */
	struct config scratch;	/* defaults: config_set checks key names on it */
};

static const char *const sections[] = { "sweep", "keys", "constraints", NULL };

/* A [section] header: a continuation never crosses it; the first [sweep]
 * is where a missing key of [sweep] is reported. */
static void on_header(struct ini *r, const char *sect)
{
	struct sw_parse *p = r->user;

	p->r = r;
	p->last_name[0] = '\0';
	if (sect && !strcmp(sect, "sweep") && !p->sp->sweep_line)
		p->sp->sweep_line = r->line;
}

static int add_value(struct sw_parse *p, struct sw_list *l, const char *v,
		     const char *field, uint32_t max)
{
	if (l->n >= max)
		return ini_fail(p->r, p->r->line, field, "more than %u values", max);
	if (list_add(l, v))
		return ini_fail(p->r, p->r->line, field, "out of memory");
	return 1;
}

/* -?[0-9]+ with at most 15 digits: exact in a double and an int64. */
static int is_int(const char *s)
{
	size_t n = strspn(s + (*s == '-'), "0123456789");

	return n > 0 && n <= 15 && !s[(*s == '-') + n];
}

/* Digits after the decimal point of a plain decimal; -1 with an exponent. */
static int decimals(const char *s)
{
	const char *dot = strchr(s, '.');

	if (strpbrk(s, "eE"))
		return -1;
	return dot ? (int)strlen(dot + 1) : 0;
}

/*
 * Expand "start:stop:step" (stop included) into l. Integers stay integers;
 * other values are printed with as many decimals as the widest of the three
 * (so 0.1:0.3:0.1 gives 0.1, 0.2, 0.3, never 0.30000000000000004).
 */
static int add_range(struct sw_parse *p, struct sw_list *l, char *item,
		     const char *field)
{
	char *part[3], *colon, text[400], orig[200];
	double v[3], count;
	uint64_t n, i;
	int k, dec = 0, ints = 1;

	snprintf(orig, sizeof orig, "%s", item);
	for (k = 0; k < 3; k++) {
		colon = k < 2 ? strchr(item, ':') : NULL;
		if (k < 2 && !colon)
			goto bad;
		if (colon)
			*colon = '\0';
		part[k] = trim(item);
		if (num_decimal(part[k], &v[k]))
			goto bad;
		ints &= is_int(part[k]);
		if (dec >= 0)
			dec = decimals(part[k]) < 0 ? -1 :
			      decimals(part[k]) > dec ? decimals(part[k]) : dec;
		if (colon)
			item = colon + 1;
	}
	if (strchr(part[2], ':') || !(v[2] > 0) || v[1] < v[0])
		goto bad;
	count = floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
	if (!(count <= SW_VALUES_MAX))
		return ini_fail(p->r, p->r->line, field, "range '%s' has %.0f values "
			        "(at most %u per key)", orig, count, SW_VALUES_MAX);
	n = (uint64_t)count;
	for (i = 0; i < n; i++) {
		if (ints)
			snprintf(text, sizeof text, "%lld",
				 (long long)v[0] + (long long)i * (long long)v[2]);
		else if (dec >= 0)
			snprintf(text, sizeof text, "%.*f", dec, v[0] + (double)i * v[2]);
		else
			snprintf(text, sizeof text, "%.15g", v[0] + (double)i * v[2]);
		if (!add_value(p, l, text, field, SW_VALUES_MAX))
			return 0;
	}
	return 1;
bad:
	return ini_fail(p->r, p->r->line, field, "bad range '%s' (expected "
			"start:stop:step, numbers with start <= stop and step "
			"> 0)", orig);
}

/*
 * Append the comma-separated items of text to l; with ranges, an item
 * holding ':' is a range. A trailing comma is allowed (the list goes on on
 * an indented line), an empty item elsewhere is not.
 */
static int add_list(struct sw_parse *p, struct sw_list *l, const char *text,
		    const char *field, int ranges, uint32_t max)
{
	char buf[256], *item, *comma;
	int items = 0;

	snprintf(buf, sizeof buf, "%s", text);
	for (item = buf; item; item = comma ? comma + 1 : NULL) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		item = trim(item);
		if (!*item) {
			if (!comma && items)
				break;
			return ini_fail(p->r, p->r->line, field, "empty item in the list "
				        "'%s'", text);
		}
		items++;
		if (strchr(item, '='))
			return ini_fail(p->r, p->r->line, field, "'%s' is not a value "
				        "(an indented line continues the list "
				        "above it with more values)", item);
		if (ranges && strchr(item, ':')) {
			if (!add_range(p, l, item, field))
				return 0;
		} else if (!add_value(p, l, item, field, max)) {
			return 0;
		}
	}
	return 1;
}

/* `base = a.ini b.ini` or `a.ini, b.ini`: configs, each point runs on
 * each (a path with a blank in it cannot be listed). */
static int add_bases(struct sw_parse *p, const char *val, const char *field)
{
	char buf[256];
	size_t i;

	if (strlen(val) >= sizeof buf)
		return ini_fail(p->r, p->r->line, field, "line longer than %zu "
				"characters (continue the list on an indented "
				"line)", sizeof buf - 1);
	for (i = 0; val[i]; i++)
		buf[i] = val[i] == ' ' || val[i] == '\t' ? ',' : val[i];
	buf[i] = '\0';
	/* blanks next to commas make empty items: squeeze them out */
	for (i = 0; buf[i]; i++)
		while (buf[i] == ',' && (buf[i + 1] == ',' || i == 0 ||
					 buf[i + 1] == '\0'))
			memmove(buf + i, buf + i + 1, strlen(buf + i));
	return add_list(p, &p->sp->bases, buf, field, 0, SW_BASES_MAX);
}

static int on_sweep(struct sw_parse *p, const char *name, const char *val,
		    int cont)
{
	struct sw_spec *sp = p->sp;
	char field[SW_NAME_MAX + 8];
	int i;

	snprintf(field, sizeof field, "sweep.%s", name);
	for (i = 0; sweep_keys[i] && strcmp(sweep_keys[i], name); i++)
		;
	if (!sweep_keys[i])
		return ini_fail(p->r, p->r->line, field, "unknown key '%s' (known keys: "
			        "base, traces, mode, seed)", name);
	if (cont && i != SEEN_TRACES && i != SEEN_BASE)
		return ini_fail(p->r, p->r->line, field, "indented line would continue "
			        "the value of '%s' (only lists go on over lines)", name);
	if (!cont && sp->seen[i])
		return ini_fail(p->r, p->r->line, field, "duplicate key '%s' (first set "
			        "on line %d)", name, sp->seen[i]);
	if (!cont)
		sp->seen[i] = p->r->line;
	if (!*val)
		return ini_fail(p->r, p->r->line, field, "empty value");
	switch (i) {
	case SEEN_BASE:
		return add_bases(p, val, field);
	case SEEN_TRACES:
		return add_list(p, &sp->traces, val, field, 0, SW_TRACES_MAX);
	case SEEN_MODE:
		if (strcmp(val, "timing") && strcmp(val, "functional"))
			return ini_fail(p->r, p->r->line, field, "unknown value '%s' "
				        "(expected timing or functional)", val);
		sp->functional = !strcmp(val, "functional");
		return 1;
	default:
		if (num_u64(val, &sp->seed))
			return ini_fail(p->r, p->r->line, field, "malformed seed '%s' "
				        "(expected an unsigned 64-bit integer)", val);
		return 1;
	}
}

static int find_key(const struct sw_spec *sp, const char *name)
{
	int i;

	for (i = 0; i < sp->n_keys; i++)
		if (!strcmp(sp->key[i].name, name))
			return i;
	return -1;
}

static int on_key(struct sw_parse *p, const char *name, const char *val,
		  int cont)
{
	struct sw_spec *sp = p->sp;
	struct sw_key *k;
	struct sim_err e;
	int i = find_key(sp, name);

	if (i < 0)
		cont = 0;
	if (!cont && i >= 0)
		return ini_fail(p->r, p->r->line, name, "duplicate key '%s' (first set "
			        "on line %d)", name, sp->key[i].line);
	if (!cont) {
		if (strlen(name) >= SW_NAME_MAX)
			return ini_fail(p->r, p->r->line, "", "key name longer than %d "
				        "characters", SW_NAME_MAX - 1);
		if (config_set(&p->scratch, name, "", &e) == -2)
			return ini_fail(p->r, p->r->line, name, "%s", e.msg);
		if (sp->n_keys == SW_KEYS_MAX)
			return ini_fail(p->r, p->r->line, name, "more than %d swept keys",
				        SW_KEYS_MAX);
		i = sp->n_keys++;
		k = &sp->key[i];
		strcpy(k->name, name);
		k->line = p->r->line;
	}
	k = &sp->key[i];
	if (!*val)
		return ini_fail(p->r, p->r->line, name, "empty value (expected v1, v2, "
			        "... or start:stop:step)");
	return add_list(p, &k->val, val, name, 1, SW_VALUES_MAX);
}

/* Characters of an operand: key names and numbers. */
static size_t operand_len(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._+-");
}

static int on_cons(struct sw_parse *p, const char *name, const char *val,
		   int cont)
{
	struct sw_spec *sp = p->sp;
	struct sw_cons *c;
	char field[SW_NAME_MAX], opt[16];
	const char *s = val;
	size_t n;
	int i;

	snprintf(field, sizeof field, "constraints.%s", name);
	if (cont)
		return ini_fail(p->r, p->r->line, field, "indented line would continue "
			        "the constraint '%s' (write it on one line)", name);
	for (i = 0; i < sp->n_cons; i++)
		if (!strcmp(sp->con[i].name, name))
			return ini_fail(p->r, p->r->line, field, "duplicate constraint "
				        "'%s' (first on line %d)", name, sp->con[i].line);
	if (sp->n_cons == SW_CONS_MAX)
		return ini_fail(p->r, p->r->line, field, "more than %d constraints",
			        SW_CONS_MAX);
	if (strlen(name) >= sizeof c->name)
		return ini_fail(p->r, p->r->line, field, "name longer than %zu characters",
			        sizeof c->name - 1);
	c = &sp->con[sp->n_cons];
	memset(c, 0, sizeof *c);
	strcpy(c->name, name);
	c->line = p->r->line;
	n = operand_len(s);
	if (!n || n >= sizeof c->a.text)
		return ini_fail(p->r, p->r->line, field, "'%s' does not start with a key "
			        "or a number (expected A OP B)", val);
	snprintf(c->a.text, sizeof c->a.text, "%.*s", (int)n, s);
	s += n;
	s += strspn(s, " \t");
	n = strcspn(s, " \tABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		       "0123456789._+-");
	snprintf(opt, sizeof opt, "%.*s", (int)(n < 15 ? n : 15), s);
	for (i = 0; i < CMP_COUNT && strcmp(cmp_names[i], opt); i++)
		;
	if (!n)
		return ini_fail(p->r, p->r->line, field, "no comparison in '%s' (expected "
			        "A OP B, OP one of < <= > >= == !=)", val);
	if (i == CMP_COUNT)
		return ini_fail(p->r, p->r->line, field, "unknown operator '%s' (expected "
			        "one of < <= > >= == !=)", opt);
	c->op = (enum sw_cmp)i;
	s += n;
	s += strspn(s, " \t");
	n = operand_len(s);
	if (!n || n >= sizeof c->b.text)
		return ini_fail(p->r, p->r->line, field, "no key or number after '%s'",
			        opt);
	snprintf(c->b.text, sizeof c->b.text, "%.*s", (int)n, s);
	if (s[n])
		return ini_fail(p->r, p->r->line, field, "unexpected '%s' after '%s'",
			        s + n, c->b.text);
	sp->n_cons++;
	return 1;
}

/* One key = value of a known section; 1, or 0 after ini_fail. */
static int on_pair(struct ini *r, const char *sect, const char *name,
		   const char *val)
{
	struct sw_parse *p = r->user;
	char text[256], *c;
	int cont;

	p->r = r;
	cont = r->indented && !strcmp(sect, p->last_sect) &&
	       !strcmp(name, p->last_name);
	snprintf(p->last_sect, sizeof p->last_sect, "%s", sect);
	snprintf(p->last_name, sizeof p->last_name, "%s", name);
	if (cont) {
		/* the reader hands a continuation line over whole: cut its
		 * " ; comment" as it does on a key's own line */
		snprintf(text, sizeof text, "%s", val);
		for (c = text; (c = strchr(c, ';')); c++)
			if (c == text || c[-1] == ' ' || c[-1] == '\t') {
				*c = '\0';
				break;
			}
		val = trim(text);
	}
	if (!strcmp(sect, "sweep"))
		return on_sweep(p, name, val, cont);
	if (!strcmp(sect, "keys"))
		return on_key(p, name, val, cont);
	return on_cons(p, name, val, cont);
}

/* Numbers by value (8 and 08 are one point), then text. */
static int cmp_value(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	double u, v;
	int nx = !num_decimal(x, &u), ny = !num_decimal(y, &v);

	if (nx && ny)
		return u < v ? -1 : u > v;
	if (nx != ny)
		return nx ? -1 : 1;
	return strcmp(x, y);
}

/* The first value listed twice in l (as text, or as the same number),
 * or NULL. */
static const char *repeated(const struct sw_list *l)
{
	const char *dup = NULL;
	char **s;
	uint32_t i;

	if (l->n < 2 || !(s = malloc(l->n * sizeof *s)))
		return NULL;
	memcpy(s, l->s, l->n * sizeof *s);
	qsort(s, l->n, sizeof *s, cmp_value);
	for (i = 1; i < l->n && !dup; i++)
		if (!cmp_value(&s[i - 1], &s[i]))
			dup = s[i];
	free(s);
	return dup;
}

/* Resolve an operand: a swept key, else a number; 0 or -1 with err. */
static int resolve(struct sw_spec *sp, const struct sw_cons *c,
		   struct sw_operand *o, struct sim_err *err)
{
	char field[SW_NAME_MAX];
	double x;
	uint32_t i;

	snprintf(field, sizeof field, "constraints.%s", c->name);
	o->key = find_key(sp, o->text);
	if (o->key < 0 && num_decimal(o->text, &x))
		return err_set(err, sp->path, c->line, field, "'%s' is neither "
			       "a swept key nor a number", o->text);
	if (o->key < 0 || c->op == CMP_EQ || c->op == CMP_NE)
		return 0;
	for (i = 0; i < sp->key[o->key].val.n; i++)
		if (num_decimal(sp->key[o->key].val.s[i], &x))
			return err_set(err, sp->path, c->line, field, "value "
				       "'%s' of %s is not a number (only == "
				       "and != compare text)",
				       sp->key[o->key].val.s[i], o->text);
	return 0;
}

/* Checks that need the whole spec; 0 or -1 with err. */
static int spec_finish(struct sw_spec *sp, struct sim_err *err)
{
	const char *dup;
	uint64_t n;
	int i;

	if (!sp->seen[SEEN_BASE])
		return err_set(err, sp->path, sp->sweep_line, "sweep.base",
			       "missing required key 'base' in [sweep]");
	if (!sp->seen[SEEN_TRACES])
		return err_set(err, sp->path, sp->sweep_line, "sweep.traces",
			       "missing required key 'traces' in [sweep]");
	if ((dup = repeated(&sp->traces)))
		return err_set(err, sp->path, sp->seen[SEEN_TRACES],
			       "sweep.traces", "trace '%s' is listed twice", dup);
	if ((dup = repeated(&sp->bases)))
		return err_set(err, sp->path, sp->seen[SEEN_BASE],
			       "sweep.base", "config '%s' is listed twice", dup);
	n = (uint64_t)sp->traces.n * sp->bases.n;
	for (i = 0; i < sp->n_keys; i++) {
		if ((dup = repeated(&sp->key[i].val)))
			return err_set(err, sp->path, sp->key[i].line,
				       sp->key[i].name, "value '%s' is listed "
				       "twice", dup);
		sp->names[i] = sp->key[i].name;
		n *= sp->key[i].val.n;
		if (n > SW_POINTS_MAX)
			return err_set(err, sp->path, sp->key[i].line,
				       sp->key[i].name, "the sweep has more "
				       "than %llu points", SW_POINTS_MAX);
	}
	for (i = 0; i < sp->n_cons; i++)
		if (resolve(sp, &sp->con[i], &sp->con[i].a, err) ||
		    resolve(sp, &sp->con[i], &sp->con[i].b, err))
			return -1;
	sw_name_order(sp->names, sp->order, sp->n_keys);
	sp->n_points = n;
	return 0;
}

/*
 * Parse the spec at path into *sp (zeroed by the caller, freed by
 * sw_spec_free in any case). Returns 0, or -1 with err naming file, line, field.
 */
int sw_spec_load(const char *path, struct sw_spec *sp, struct sim_err *err)
{
	static const struct ini_ops ops = {
		.sects = sections, .flags = INI_BARE_SECTION,
		.header = on_header, .pair = on_pair,
	};
	struct sw_parse *p = calloc(1, sizeof *p);
	int rc;

	sp->path = path;
	sp->seed = 1;
	if (!p)
		return err_set(err, path, 0, "", "out of memory");
	p->sp = sp;
	config_defaults(&p->scratch);
	rc = ini_load(path, &ops, p, err);
	if (!rc)
		rc = spec_finish(sp, err);
	free(p);
	return rc;
}

/* Value indices of point id (keys in spec order, the last fastest, traces
 * faster still); returns its trace index. */
uint32_t sw_point_decode(const struct sw_spec *sp, uint64_t id,
			     uint32_t *idx, uint32_t *base)
{
	uint64_t rest = id / sp->traces.n;
	int i;

	if (base)
		*base = (uint32_t)(rest % sp->bases.n);
	rest /= sp->bases.n;
	for (i = sp->n_keys - 1; i >= 0; i--) {
		idx[i] = (uint32_t)(rest % sp->key[i].val.n);
		rest /= sp->key[i].val.n;
	}
	return (uint32_t)(id % sp->traces.n);
}

uint64_t sw_spec_hash(const struct sw_spec *sp, uint64_t id)
{
	const char *vals[SW_KEYS_MAX];
	uint32_t idx[SW_KEYS_MAX], t = sw_point_decode(sp, id, idx, NULL);
	int i;

	for (i = 0; i < sp->n_keys; i++)
		vals[i] = sp->key[i].val.s[idx[i]];
	return sw_point_hash(sp->traces.s[t], sp->names, vals, sp->order,
			  sp->n_keys);
}

static const char *operand_text(const struct sw_spec *sp,
				const struct sw_operand *o, const uint32_t *idx)
{
	return o->key < 0 ? o->text : sp->key[o->key].val.s[idx[o->key]];
}

/* 1 when the point of these value indices satisfies every constraint. */
int sw_cons_hold(const struct sw_spec *sp, const uint32_t *idx)
{
	const char *a, *b;
	double x, y, d;
	int i, ok;

	for (i = 0; i < sp->n_cons; i++) {
		const struct sw_cons *c = &sp->con[i];

		a = operand_text(sp, &c->a, idx);
		b = operand_text(sp, &c->b, idx);
		if (!num_decimal(a, &x) && !num_decimal(b, &y))
			d = x < y ? -1 : x > y ? 1 : 0;
		else
			d = strcmp(a, b);
		switch (c->op) {
		case CMP_LT: ok = d < 0; break;
		case CMP_LE: ok = d <= 0; break;
		case CMP_GT: ok = d > 0; break;
		case CMP_GE: ok = d >= 0; break;
		case CMP_EQ: ok = d == 0; break;
		default: ok = d != 0; break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

