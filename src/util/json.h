/* The one JSON writer: strings (UTF-8 safe) and numbers in one format,
 * used by every record nnbench prints or stores. */
#ifndef NNBENCH_UTIL_JSON_H
#define NNBENCH_UTIL_JSON_H

#include <stddef.h>
#include <stdio.h>

/* A JSON string with its quotes. Valid UTF-8 passes through, invalid bytes
 * become '?', controls are escaped. NULL is written as "". */
void nnb_json_str(FILE *f, const char *s);
/* The same without the quotes. */
void nnb_json_escape(FILE *f, const char *s);
/* A number in the fewest digits (9 to 17, "%.*g") that read back as the
 * same double, so a stored record round-trips exactly; null when not finite. */
void nnb_json_num(FILE *f, double v);
/* "true" / "false" */
void nnb_json_bool(FILE *f, int v);

#endif
