/*
 * config_schema.h - the config and energy-table schemas, private to
 * config*.c: one row per key (section, name, type, range, default, unit,
 * meaning) and what is done with one row: parse a value into its field,
 * print the field back, describe its range.
 *
 * Invariant: nothing outside these rows knows a key; every default lies
 * inside its own row's range (config_defaults asserts it).
 */
#ifndef SIM_CONFIG_SCHEMA_H
#define SIM_CONFIG_SCHEMA_H

#include <stddef.h>

#include "config.h"

#define CFG_KEYS_MAX 64		/* rows in the largest schema */
#define CFG_FIELD_SIZE (sizeof(((struct sim_err *)0)->field))
#define CFG_MSG_SIZE (sizeof(((struct sim_err *)0)->msg))

enum cfg_ktype {
	K_UINT,		/* uint32_t: decimal digits only */
	K_DOUBLE,	/* double: strtod, finite */
	K_BOOL,		/* int 0/1: true/false/yes/no/1/0 */
	K_ENUM,		/* int: index of one of key.names */
	K_NAME,		/* char[max + 1]: [A-Za-z0-9._-], min..max chars */
	K_PATH		/* char[max + 1]: resolved after parsing */
};

enum {
	KF_POW2 = 1,	/* K_UINT: must be a power of two */
	KF_8OR16 = 2	/* K_UINT: must be exactly 8 or 16 */
};

struct cfg_key {
	const char *sect;	/* INI section */
	const char *name;	/* INI key */
	enum cfg_ktype type;	/* how the text is parsed and stored */
	size_t off;		/* offset of the field in the target struct */
	double min, max;	/* inclusive range; length for K_NAME/K_PATH */
	unsigned flags;		/* KF_* checks beyond the range */
	const char *const *names; /* K_ENUM: value names, by enum value */
	const char *def;	/* default as text; NULL = key required */
	const char *unit;	/* unit shown with the range */
	const char *meaning;	/* one line, printed above the key */
};

struct cfg_schema {
	const struct cfg_key *keys;	/* rows, in print order */
	int n;			/* number of rows */
};

extern const struct cfg_schema cfg_file_schema;		/* a config file */
extern const struct cfg_schema cfg_energy_schema;	/* an energy table */

/* Row of sect.name in sc, or -1. */
int cfg_schema_find(const struct cfg_schema *sc, const char *sect,
		    const char *name);
/* 1 when some row of sc is in section sect. */
int cfg_schema_has_sect(const struct cfg_schema *sc, const char *sect);
/* sc's section names in schema order, each once, as "a, b, c". */
void cfg_schema_sects(const struct cfg_schema *sc, char *buf, size_t n);
/* The key names of section sect, as "a, b, c". */
void cfg_schema_keys(const struct cfg_schema *sc, const char *sect,
		     char *buf, size_t n);

/* Allowed values of row k, without its unit: "1..256", "8 or 16", ... */
void cfg_key_range(const struct cfg_key *k, char *buf, size_t n);
/* Parse text s for row k into base; 0, or -1 with a sentence in msg. */
int cfg_key_store(const struct cfg_key *k, void *base, const char *s,
		  char *msg, size_t n);
/* Row k's value in base, as config_load would read it back. */
void cfg_key_value(const struct cfg_key *k, const void *base, char *buf,
		   size_t n);

/* snprintf into buf; -1 when the text does not fit. */
int cfg_fit(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append s to buf as a list item, keeping buf terminated when it is full. */
void cfg_append(char *buf, size_t n, const char *s);

#endif
