/*
 * suggest.c - "did you mean" for misspelt names: the candidate with the
 * smallest edit distance, if it is close enough to be a typo.
 */
#include <stdlib.h>
#include <string.h>

#include "provider.h"

/* Levenshtein distance with one row of memory */
static size_t suggest_distance(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y), i, j;
	size_t *row = calloc(ny + 1, sizeof(*row));
	size_t d;

	if (!row)
		return (size_t)-1;
	for (j = 0; j <= ny; j++)
		row[j] = j;
	for (i = 1; i <= nx; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= ny; j++) {
			size_t up = row[j], best;

			best = diag + (x[i - 1] != y[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	d = row[ny];
	free(row);
	return d;
}

const char *suggest_closest(const char *want, const char *const *names,
			    size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit, i;

	if (!want)
		return NULL;
	limit = strlen(want) / 3 + 1;
	if (limit > 4)
		limit = 4;
	for (i = 0; i < n; i++) {
		size_t d;

		if (!names[i] || !strcmp(names[i], want))
			continue;
		d = suggest_distance(want, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}
