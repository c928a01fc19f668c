/*
 * config.c - loading the architecture config and its energy table (see
 * config.h, docs/config.md, docs/ppa.md): both files are INI, read by
 * lib/ini and checked key by key against their schema (config_schema.c);
 * config_set applies one override the same way; config_table.c finds the
 * table, config_print.c prints the result.
 *
 * Invariant: *cfg is written only when config_load() returns 0, and then
 * every field lies inside its schema row's range, n_max <= m_max, and
 * cfg->energy holds a complete, range-checked table read from energy.path.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "config_schema.h"
#include "config_table.h"
#include "lib/ini.h"

/* State of one file being parsed; the reader hands it to on_pair. */
struct parse {
	const struct cfg_schema *sc; /* keys this file may set */
	void *base;		/* struct the schema offsets point into */
	int *seen;		/* per row: line that set it, 0 = not set */
	int last;		/* row of the last key handled, -1 = none */
};

/* Row i may be set on this line: not a continuation, not a second time. */
static int check_once(struct ini *r, int i, const char *field)
{
	struct parse *p = r->user;
	const char *name = p->sc->keys[i].name;

	if (r->indented && i == p->last)
		return ini_fail(r, r->line, field,
				"indented line would continue the value of '%s' (multi-line values are not allowed)",
				name);
	if (p->seen[i])
		return ini_fail(r, r->line, field,
				"duplicate key '%s' (first set on line %d)",
				name, p->seen[i]);
	p->seen[i] = r->line;
	p->last = i;
	return 1;
}

/* One key = value of a known section; 1, or 0 after ini_fail. */
static int on_pair(struct ini *r, const char *sect, const char *name,
		   const char *val)
{
	struct parse *p = r->user;
	char field[CFG_FIELD_SIZE], list[256], msg[CFG_MSG_SIZE];
	const struct cfg_key *k;
	int i;

	snprintf(field, sizeof field, "%s.%s", sect, name);
	i = cfg_schema_find(p->sc, sect, name);
	if (i < 0 && !strcmp(sect, "leakage") && (!strcmp(name,
	    "pe_pj_per_cycle") || !strcmp(name, "sram_pj_per_kib_cycle") ||
	    !strcmp(name, "vec_pj_per_lane_cycle")))
		return ini_fail(r, r->line, field, "'%s' is gone: leakage "
				"comes from area, logic_nw_per_um2 and "
				"sram_nw_per_bit (docs/ppa.md#leakage)", name);
	if (i < 0) {
		cfg_schema_keys(p->sc, sect, list, sizeof list);
		return ini_fail(r, r->line, field,
				"unknown key '%s' (known keys: %s)", name, list);
	}
	if (!check_once(r, i, field))
		return 0;
	k = &p->sc->keys[i];
	if (!*val) {
		cfg_key_range(k, list, sizeof list);
		return ini_fail(r, r->line, field, "empty value (%s, %s)",
				k->unit, list);
	}
	if (cfg_key_store(k, p->base, val, msg, sizeof msg))
		return ini_fail(r, r->line, field, "%s", msg);
	return 1;
}

/* sc's sections in schema order, each once, NULL-terminated. */
static void sect_array(const struct cfg_schema *sc, const char **out)
{
	int i, n = 0;

	for (i = 0; i < sc->n; i++)
		if (i == 0 || strcmp(sc->keys[i].sect, sc->keys[i - 1].sect))
			out[n++] = sc->keys[i].sect;
	out[n] = NULL;
}

/*
 * Parse file against sc into base, recording in seen[] the line that set
 * each row. Returns 0 or -1 with err naming the first error in the file (a
 * file that cannot be opened is line 0).
 */
static int parse_file(const char *file, const struct cfg_schema *sc,
		      void *base, int *seen, struct sim_err *err)
{
	const char *sects[CFG_KEYS_MAX + 1];
	struct ini_ops ops = {
		.sects = sects, .flags = INI_CR_UNINDENTS, .pair = on_pair,
	};
	struct parse p = { .sc = sc, .base = base, .seen = seen, .last = -1 };

	sect_array(sc, sects);
	return ini_load(file, &ops, &p, err);
}

/* Rows without a default must have been set; names the first one missing. */
static int check_required(const struct cfg_schema *sc, const int *seen,
			  const char *file, struct sim_err *err)
{
	char field[CFG_FIELD_SIZE];
	int i;

	for (i = 0; i < sc->n; i++) {
		if (sc->keys[i].def || seen[i])
			continue;
		snprintf(field, sizeof field, "%s.%s", sc->keys[i].sect,
			 sc->keys[i].name);
		return err_set(err, file, 0, field,
			       "missing required key '%s' in [%s]",
			       sc->keys[i].name, sc->keys[i].sect);
	}
	return 0;
}

static int check_cross(const struct config *c, const int *seen,
		       struct sim_err *err)
{
	int line = seen[cfg_schema_find(&cfg_file_schema, "engine", "n_max")];

	if (!line)
		line = seen[cfg_schema_find(&cfg_file_schema, "engine", "m_max")];
	if (c->n_max > c->m_max)
		return err_set(err, c->path, line, "engine.n_max",
			       "n_max %u exceeds m_max %u (a PE cannot keep more weights than a group holds)",
			       (unsigned)c->n_max, (unsigned)c->m_max);
	return 0;
}

/*
 * Find [energy] table (cfg_table_locate), store the path it was found at
 * (relative when the config's was and the table is beside it, so reports do
 * not depend on where the tree lives) and read the table.
 */
static int load_energy(struct config *c, int line, struct sim_err *err)
{
	struct energy_table t;
	int seen[CFG_KEYS_MAX] = { 0 };
	char found[CFG_PATH_BUF];

	if (cfg_table_locate(c, line, found, sizeof found, err))
		return -1;
	memset(&t, 0, sizeof t);
	if (strlen(found) >= sizeof t.path)
		return err_set(err, c->path, line, "energy.table",
			       "resolved energy table path longer than %zu characters",
			       sizeof t.path - 1);
	strcpy(t.path, found);
	if (parse_file(found, &cfg_energy_schema, &t, seen, err) ||
	    check_required(&cfg_energy_schema, seen, found, err))
		return -1;
	c->energy = t;
	return 0;
}

int config_load(const char *path, struct config *cfg, struct sim_err *err)
{
	int seen[CFG_KEYS_MAX] = { 0 };
	int table = cfg_schema_find(&cfg_file_schema, "energy", "table");
	struct config c;

	config_defaults(&c);
	if (strlen(path) >= sizeof c.path)
		return err_set(err, path, 0, "", "file name longer than %zu characters",
			       sizeof c.path - 1);
	strcpy(c.path, path);
	if (parse_file(path, &cfg_file_schema, &c, seen, err) ||
	    check_cross(&c, seen, err))
		return -1;
	if (!seen[table])
		strcpy(c.energy.path, cfg_file_schema.keys[table].def);
	if (load_energy(&c, seen[table], err))
		return -1;
	*cfg = c;
	return 0;
}

/*
 * One "section.key" = value override, checked as if the line stood in the
 * config file: the schema row parses and range-checks it, then the cross-key
 * rule is checked on the result. Errors name cfg->path, line 0 and the key.
 */
int config_set(struct config *cfg, const char *key, const char *value,
	       struct sim_err *err)
{
	const char *dot = strchr(key, '.');
	char sect[64], list[256], msg[CFG_MSG_SIZE];
	const struct cfg_key *k;
	struct config c;
	int i;

	if (!dot || dot == key || !dot[1] || (size_t)(dot - key) >= sizeof sect)
		return err_set(err, cfg->path, 0, key,
			       "not a config key (expected section.key)"), -2;
	memcpy(sect, key, (size_t)(dot - key));
	sect[dot - key] = '\0';
	if (!cfg_schema_has_sect(&cfg_file_schema, sect)) {
		cfg_schema_sects(&cfg_file_schema, list, sizeof list);
		return err_set(err, cfg->path, 0, key,
			       "unknown section [%s] (known sections: %s)",
			       sect, list), -2;
	}
	i = cfg_schema_find(&cfg_file_schema, sect, dot + 1);
	if (i < 0) {
		cfg_schema_keys(&cfg_file_schema, sect, list, sizeof list);
		return err_set(err, cfg->path, 0, key,
			       "unknown key '%s' (known keys: %s)", dot + 1,
			       list), -2;
	}
	k = &cfg_file_schema.keys[i];
	if (k->type == K_PATH)
		return err_set(err, cfg->path, 0, key,
			       "cannot be overridden (name the table in the base config)"), -2;
	if (!*value) {
		cfg_key_range(k, list, sizeof list);
		return err_set(err, cfg->path, 0, key, "empty value (%s, %s)",
			       k->unit, list);
	}
	c = *cfg;
	if (cfg_key_store(k, &c, value, msg, sizeof msg))
		return err_set(err, cfg->path, 0, key, "%s", msg);
	if (c.n_max > c.m_max)
		return err_set(err, cfg->path, 0, key,
			       "n_max %u exceeds m_max %u (a PE cannot keep more weights than a group holds)",
			       (unsigned)c.n_max, (unsigned)c.m_max);
	*cfg = c;
	return 0;
}

void config_defaults(struct config *cfg)
{
	char msg[CFG_MSG_SIZE];
	int i, rc;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < cfg_file_schema.n; i++) {
		if (cfg_file_schema.keys[i].type == K_PATH)
			continue;	/* the energy table stays zeroed */
		rc = cfg_key_store(&cfg_file_schema.keys[i], cfg,
				   cfg_file_schema.keys[i].def, msg, sizeof msg);
		assert(rc == 0 && "schema default outside its own range");
		(void)rc;
	}
}

/* Relative guard so a decimal input that is exact on paper (150 ns at 300
 * MHz = 45 cycles) is not pushed one step by binary rounding. */
#define ROUND_GUARD 1e-12

uint64_t config_dram_latency_cycles(const struct config *cfg)
{
	double x = cfg->dram_latency_ns * cfg->clock_mhz / 1000.0;
	double y = x * (1.0 - ROUND_GUARD);
	uint64_t c = (uint64_t)y;	/* y >= 0: truncation is floor */

	return (double)c < y ? c + 1 : c;
}

double config_dram_bytes_per_cycle(const struct config *cfg)
{
	return cfg->dram_gbps * 1000.0 / cfg->clock_mhz;
}

uint64_t config_dram_bpc_fx(const struct config *cfg)
{
	double x = config_dram_bytes_per_cycle(cfg) * 65536.0;
	uint64_t fx = (uint64_t)(x * (1.0 + ROUND_GUARD)); /* x > 0: floor */

	return fx ? fx : 1;
}
