/* "Did you mean": the one edit-distance helper every "unknown NAME" message
 * shares (options, presets, models, kernels). */
#ifndef NNBENCH_UTIL_SUGGEST_H
#define NNBENCH_UTIL_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b: insertions, deletions, substitutions and
 * swaps of two adjacent characters cost 1 each (optimal string alignment).
 * Strings longer than NNB_SUGGEST_MAX_LEN compare as far apart. */
enum { NNB_SUGGEST_MAX_LEN = 63 };
size_t nnb_edit_distance(const char *a, const char *b);

/* The candidate closest to word when it is close enough to be a typo of it
 * (distance 1, or 2 for words of 6 characters or more, and less than the
 * word's length); NULL when none is. Ties go to the earlier candidate.
 * cands is an array of n strings spaced stride bytes apart (a field of an
 * array of structs, or a plain array of char *: stride sizeof(char *)). */
const char *nnb_suggest(const char *word, const void *cands, size_t n, size_t stride);

/* "; did you mean 'X'?" (prefix before X) into buf, or "" when nnb_suggest
 * finds nothing. Returns buf. */
const char *nnb_suggest_text(char *buf, size_t len, const char *word, const char *prefix, const void *cands, size_t n,
                             size_t stride);

#endif
