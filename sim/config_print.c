/*
 * config_print.c - the effective config as a loadable INI file
 * (config_print in config.h): every key of the schema in schema order,
 * each under a comment saying what it means, its value followed by its
 * unit and range, then the loaded energy table's values as comments.
 *
 * Invariant: what it prints loads back (stasim config -c FILE) into the
 * same config, every line short enough for the reader (lib/ini.h).
 */
#include "config.h"

#include <string.h>

#include "config_schema.h"

/* Longest line print_key writes with its comment beside the value; the
 * reader (lib/ini.h) takes 197 characters, so a longer value gets its
 * comment below. */
#define PRINT_LINE_MAX 190

static void print_key(const struct cfg_key *k, const void *base, FILE *f)
{
	char val[600], note[160];
	size_t len;

	cfg_key_value(k, base, val, sizeof val);
	cfg_key_range(k, note, sizeof note);
	len = strlen(k->name) + strlen(val) + strlen(note) + strlen(k->unit);
	fprintf(f, "; %s\n%s = %s%s; %s, %s%s\n", k->meaning, k->name, val,
		len + 24 > PRINT_LINE_MAX ? "\n" : "\t", k->unit, note,
		(k->flags & KF_POW2) ? ", power of two" : "");
}

/* The loaded table's values, as comments: they live in the table file. */
static void print_table(const struct energy_table *t, FILE *f)
{
	const struct cfg_key *k;
	char val[64];
	int i;

	fprintf(f, "; values read from that table (set them there, not here):\n");
	for (i = 0; i < cfg_energy_schema.n; i++) {
		k = &cfg_energy_schema.keys[i];
		cfg_key_value(k, t, val, sizeof val);
		fprintf(f, ";   [%s] %s = %s %s\n", k->sect, k->name, val, k->unit);
	}
}

void config_print(const struct config *cfg, FILE *f)
{
	const struct cfg_key *keys = cfg_file_schema.keys;
	struct config c = *cfg;
	int i;

	if (!c.energy.path[0])
		strcpy(c.energy.path, keys[cfg_schema_find(&cfg_file_schema,
						   "energy", "table")].def);
	fprintf(f, "; stasim effective configuration%s%s\n",
		c.path[0] ? " of " : " (defaults)", c.path);
	fprintf(f, "; every key is listed; reload this file with stasim -c\n");
	for (i = 0; i < cfg_file_schema.n; i++) {
		if (i == 0 || strcmp(keys[i].sect, keys[i - 1].sect))
			fprintf(f, "\n[%s]\n", keys[i].sect);
		print_key(&keys[i], &c, f);
	}
	if (cfg->energy.path[0])
		print_table(&cfg->energy, f);
}
