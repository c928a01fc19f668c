/*
 * lib/json.h - reading a JSON document (RFC 8259) into a tree whose every
 * value knows its line, for messages that point into the file.
 */
#ifndef SIM_LIB_JSON_H
#define SIM_LIB_JSON_H

#include <stddef.h>

#include "../err.h"

#define JSON_DEPTH 64		/* deepest nesting accepted */
/* Largest file read, checked while reading: a report is well below 1 MiB
 * (BERT-base: 122 KiB), and the tree may take 25 bytes per byte of input
 * ([0,0,...]: 400 MB for 16 MiB). */
#define JSON_MAX_BYTES ((size_t)16 << 20)

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json_val {
	enum json_type t;	/* which members below hold the value */
	int line;		/* 1-based line of its first character */
	double num;		/* JSON_NUM; JSON_BOOL: 0 or 1 */
	char *str;		/* JSON_STR: NUL-terminated UTF-8 */
	struct json_val *kid;	/* JSON_ARR, JSON_OBJ: the n elements or values */
	char **key;		/* JSON_OBJ: the n member names */
	size_t n;		/* elements or members */
};

/*
 * Parse file path into root. Returns 0, or -1 with err (file, line, what
 * was expected and what was found) and root empty. Work is linear in the
 * file's size; nesting deeper than JSON_DEPTH is an error.
 */
int json_load(const char *path, struct json_val *root, struct sim_err *err);

/* Free everything v owns and empty it. */
void json_free(struct json_val *v);

/* Member key of object o (first of that name), or NULL (also when o is NULL or not an object). */
const struct json_val *json_get(const struct json_val *o, const char *key);

/* The number (a bool as 0 or 1) of member key of o, or dflt when o has no
 * such member or it is of another type. */
double json_num_or(const struct json_val *o, const char *key, double dflt);

/*
 * Member key of object o, of type t; NULL with err naming field (and the
 * object's line when missing, the value's line when of the wrong type).
 */
const struct json_val *json_need(const char *path, const struct json_val *o,
				 const char *key, enum json_type t,
				 const char *field, struct sim_err *err);

#endif
