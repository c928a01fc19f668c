/*
 * pareto.h - the Pareto front of a loaded results file, shared by the
 * pareto command and plot's design-space figure.
 */
#ifndef SIM_PARETO_H
#define SIM_PARETO_H

#include <stddef.h>

#include "filter.h"
#include "results.h"

#define PARETO_OBJ_MAX 3	/* objectives of one front */

struct pareto_pt {
	double x, y;		/* the first two minimized columns */
	double z;		/* the third (pareto_front_k with 3), else 0 */
	size_t row;		/* index into the results' rows (file order) */
};

/*
 * The Pareto front of the ok rows minimizing columns xc and yc: into
 * front (room for every row) in order of x, then y, then file order.
 * A point is dropped when another is no worse in both and better in one;
 * identical points do not dominate each other, so all copies stay.
 * Only rows passing f count. Returns the front's size; *n_sel gets the
 * rows passing f, *n_ok those of them that are ok. O(n log n).
 */
size_t pareto_front(const struct results *c, long xc, long yc,
		    const struct filt *f, struct pareto_pt *front,
		    size_t *n_sel, size_t *n_ok);

/*
 * The same for k (2 or 3) minimized columns cols[0..k-1]: a point is
 * dropped when another is no worse in all k and better in one. Order: by
 * the columns in turn, then file order. O(n log n + n * front).
 */
size_t pareto_front_k(const struct results *c, const long *cols, int k,
		      const struct filt *f, struct pareto_pt *front,
		      size_t *n_sel, size_t *n_ok);

#endif
