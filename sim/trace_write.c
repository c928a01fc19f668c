/*
 * trace_write.c - writing a trace (trace_write in trace.h,
 * docs/trace-format.md): every op checked as the reader would check it,
 * then its canonical line (schema order, defaults left out unless the row
 * says to show them), gzip-compressed when the path ends in ".gz", through
 * a temporary file renamed into place. Version 1 when every op has the
 * implicit chain, else version 2, where in= and out= appear on the ops
 * that differ from it.
 *
 * Invariant: what the writer writes the reader accepts and reads back to
 * the same ops and tensors, and the path is either untouched or holds the
 * whole new trace.
 */
#define _POSIX_C_SOURCE 200809L

#include "trace_schema.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ------------------------------------------------------------------ */
/* Writer */

/* " assign=3.7,1.2" */
static size_t list_format(const struct trace *t, const struct op *op,
			  char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, " assign=");
	uint32_t i;

	for (i = 0; i < op->assign_len && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
					 i == 0 ? "" : i % op->topk ? "." : ",",
					 t->assign[op->assign_off + i]);
	return used;
}

/* " in=a,b" */
static size_t in_format(const struct trace *t, const struct op *op,
			char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, " in=");
	uint32_t j;

	for (j = 0; j < op->n_in && used < len; j++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 j ? "," : "", t->tensors[op->in[j]].name);
	return used;
}

/* 1 when op i's in= (k an "in" row) or out= must be written. */
static int graph_key_shown(const struct trace *t, size_t i,
			   const struct trace_key *k)
{
	return k->type == KEY_TENSORS ? !trace_in_implicit(t, i)
				      : !trace_out_implicit(t, i);
}

/* The line of op i in version, without newline; returns its length,
 * len or more when it did not fit. */
static size_t op_format(const struct trace *t, size_t i, uint32_t version,
			char *buf, size_t len)
{
	const struct op *op = &t->ops[i];
	const struct trace_key *k;
	size_t used;

	used = (size_t)snprintf(buf, len, "%s", trace_kind_names[op->kind]);
	for (k = trace_schema; k < trace_schema + TRACE_SCHEMA_ROWS && used < len; k++) {
		if (k->kind != op->kind)
			continue;
		if (k->type == KEY_TENSORS || k->type == KEY_TENSOR) {
			if (version < 2 || !graph_key_shown(t, i, k))
				continue;
			if (k->type == KEY_TENSORS)
				used += in_format(t, op, buf + used, len - used);
			else
				used += (size_t)snprintf(buf + used, len - used,
							 " out=%s",
							 t->tensors[op->out].name);
			continue;
		}
		if (!(k->flags & (KEY_REQ | KEY_SHOW)) && trace_key_is_default(k, op))
			continue;
		if (k->type == KEY_NAME)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%s", k->key,
						 (const char *)op + k->off);
		else if (k->type == KEY_UINT)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%u", k->key,
						 trace_get(op, k->off));
		else if (k->type == KEY_ENUM)
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%s", k->key,
						 k->names[trace_get(op, k->off)]);
		else if (k->type == KEY_LIST)
			used += list_format(t, op, buf + used, len - used);
		else
			used += (size_t)snprintf(buf + used, len - used,
						 " %s=%u:%u", k->key, op->nm_n,
						 op->nm_m);
	}
	return used;
}

/* A `meta` line names the model or its tokens (version 2). */
static int has_meta(const struct trace *t)
{
	return t->model[0] || t->seq;
}

/* 2 when the trace has a `meta` line or some op's tensors differ from the
 * implicit chain, else 1. */
static uint32_t version_of(const struct trace *t)
{
	size_t i;

	if (has_meta(t))
		return 2;
	for (i = 0; i < t->n_ops; i++)
		if (!trace_in_implicit(t, i) || !trace_out_implicit(t, i))
			return 2;
	return 1;
}

/*
 * Next line of a comment: up to a newline, and at most what fits a trace
 * line after "# " (a longer one is split, or the reader would refuse the
 * file). Returns its length, or -1 at the end; advances *c.
 */
static int comment_next(const char **c)
{
	const char *end;
	size_t len;

	if (!*c || !**c)
		return -1;
	end = strchr(*c, '\n');
	len = end ? (size_t)(end - *c) : strlen(*c);
	if (len > TRACE_LINE_BYTES - 2) {
		*c += TRACE_LINE_BYTES - 2;
		return TRACE_LINE_BYTES - 2;
	}
	*c += len + (end != NULL);
	return (int)len;
}

static int comment_lines(const char *comment)
{
	int n = 0;

	while (comment_next(&comment) >= 0)
		n++;
	return n;
}

/*
 * One op as the reader would take it: its keys, a new name, its tensors.
 * Returns 0, 1 with *key and msg, -1 when out of memory.
 */
static int check_op(const struct trace *t, size_t i, struct trace_names *names,
		    const char **key, char *msg)
{
	size_t prev;
	int rc;

	if (trace_op_check(t, &t->ops[i], key, msg))
		return 1;
	rc = trace_names_add(names, t->ops, trace_op_name, i, &prev);
	if (rc > 0) {
		*key = "name";
		snprintf(msg, TRACE_MSG_BYTES, "duplicate name '%s' (op %zu has "
			 "it too)", t->ops[i].name, prev + 1);
		return 1;
	}
	if (rc < 0)
		return -1;
	return trace_graph_check(t, i, key, msg) ? 1 : 0;
}

/* Refuse an op the reader would refuse; line = where it would be written. */
static int check_ops(const char *path, const struct trace *t,
		     const char *comment, struct sim_err *err)
{
	struct trace_names names = { 0 };
	const char *key = "";
	char msg[TRACE_MSG_BYTES], field[sizeof err->field];
	char line[TRACE_LINE_BYTES + 1];
	int first = 2 + comment_lines(comment) + has_meta(t);
	uint32_t version;
	size_t i;
	int rc = 0;

	if (t->n_ops == 0)
		return err_set(err, path, 0, "", "trace has no ops");
	for (i = 0; i < t->n_ops && rc == 0; i++)
		rc = check_op(t, i, &names, &key, msg);
	trace_names_free(&names);
	if (rc < 0)
		return err_set(err, path, 0, "", "out of memory");
	if (rc > 0) {
		i--;
		snprintf(field, sizeof field, "%s.%s",
			 op_kind_name(t->ops[i].kind), key);
		return err_set(err, path, first + (int)i, field, "%s", msg);
	}
	version = version_of(t);
	for (i = 0; i < t->n_ops; i++)
		if (op_format(t, i, version, line, sizeof line) > TRACE_LINE_BYTES)
			return err_set(err, path, first + (int)i, "", "line "
				       "longer than %d bytes", TRACE_LINE_BYTES);
	return 0;
}

static int write_body(gzFile gz, const struct trace *t, const char *comment)
{
	char line[TRACE_LINE_BYTES + 1];	/* check_ops measured them all */
	const char *text = comment;
	uint32_t version = version_of(t);
	size_t i;
	int len;

	if (gzprintf(gz, "%s %u\n", TRACE_MAGIC, version) <= 0)
		return -1;
	while ((len = comment_next(&comment)) >= 0) {
		if (gzputs(gz, len ? "# " : "#") < 0 ||
		    gzwrite(gz, text, (unsigned)len) != len ||
		    gzputs(gz, "\n") < 0)
			return -1;
		text = comment;
	}
	if (has_meta(t) && (gzputs(gz, "meta") < 0 ||
			    (t->model[0] &&
			     gzprintf(gz, " model=%s", t->model) <= 0) ||
			    (t->seq && gzprintf(gz, " seq=%u", t->seq) <= 0) ||
			    gzputs(gz, "\n") < 0))
		return -1;
	for (i = 0; i < t->n_ops; i++) {
		op_format(t, i, version, line, sizeof line);
		if (gzputs(gz, line) < 0 || gzputs(gz, "\n") < 0)
			return -1;
	}
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/*
 * Open tmp (a mkstemp template) for writing through zlib. mkstemp makes the
 * file 0600; a trace is no secret, so it gets the mode open() would give.
 * umask can only be read by setting it, hence the set-and-restore.
 */
static gzFile open_tmp(char *tmp, int gz)
{
	mode_t mask;
	gzFile f;
	int fd = mkstemp(tmp), saved;

	if (fd < 0)
		return NULL;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == 0) {
		/* "T": plain bytes through the same API. gzdopen writes no
		 * file name and mtime 0, so the output is reproducible. */
		errno = ENOMEM;
		f = gzdopen(fd, gz ? "wb9" : "wbT");
		if (f)
			return f;
	}
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return NULL;
}

static int write_fail(const char *path, char *tmp, gzFile gz,
		      struct sim_err *err)
{
	const char *zmsg = "";
	int errnum = Z_OK;
	int saved = errno;

	if (gz) {
		zmsg = gzerror(gz, &errnum);
		err_set(err, path, 0, "", "cannot write: %s", errnum == Z_ERRNO
			? strerror(saved) : zmsg);
		gzclose(gz);
	} else {
		err_set(err, path, 0, "", "cannot write: %s", strerror(saved));
	}
	unlink(tmp);
	free(tmp);
	return -1;
}

int trace_write(const char *path, const struct trace *t, const char *comment,
		struct sim_err *err)
{
	static const char suffix[] = ".tmpXXXXXX";
	size_t len = strlen(path);
	char *tmp;
	gzFile gz;
	int rc;

	if (check_ops(path, t, comment, err))
		return -1;
	tmp = malloc(len + sizeof suffix);
	if (!tmp)
		return err_set(err, path, 0, "", "out of memory");
	memcpy(tmp, path, len);
	memcpy(tmp + len, suffix, sizeof suffix);
	gz = open_tmp(tmp, ends_with(path, ".gz"));
	if (!gz) {
		rc = errno;
		err_set(err, path, 0, "", "cannot create temporary file: %s",
			strerror(rc));
		free(tmp);
		return -1;
	}
	if (write_body(gz, t, comment))
		return write_fail(path, tmp, gz, err);
	rc = gzclose(gz);
	if (rc != Z_OK) {
		errno = rc == Z_ERRNO ? errno : EIO;
		return write_fail(path, tmp, NULL, err);
	}
	if (rename(tmp, path))
		return write_fail(path, tmp, NULL, err);
	free(tmp);
	return 0;
}
