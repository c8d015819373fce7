/* The reader's key access (inside src/results/ only): typed getters that
 * refuse a missing or wrong-typed key with one line "FILE:LINE: key
 * obj.key: ...", and the layer record's parts into nnb_layer_report and
 * nnb_result. The writer of the same keys is record.c. */
#ifndef NNBENCH_RESULTS_RECORD_KEYS_H
#define NNBENCH_RESULTS_RECORD_KEYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "nnbench/results.h"

/* Where a message points: "name:line: ". */
typedef struct nnb_rk_where {
    const char *name;
    long line;
    char *err;
    size_t len;
} nnb_rk_where;

/* One key of one object: o[key], named obj.key in messages. */
typedef struct nnb_rk {
    const nnb_rk_where *w;
    json_t *o;
    const char *obj;
    const char *key;
    bool required;   /* false: a missing key leaves *out as it was */
} nnb_rk;

/* One line into w->err; returns -1. */
int nnb_rk_fail(const nnb_rk_where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "an integer", "a string", ... */
const char *nnb_rk_type_name(const json_t *v);
int nnb_rk_wrong_type(const nnb_rk_where *w, const char *obj, const char *key, const char *want, const json_t *v);

/* 0, or -1 with err set. A number may be null (the writer's non-finite
 * value): NAN. */
int nnb_rk_int(const nnb_rk *k, int64_t *out);
int nnb_rk_num(const nnb_rk *k, double *out);
int nnb_rk_bool(const nnb_rk *k, bool *out);
int nnb_rk_str(const nnb_rk *k, char *buf, size_t size);
/* The object at k, NULL when missing (then *rc = -1 if required) or not an object (*rc = -1). */
json_t *nnb_rk_obj(const nnb_rk *k, int *rc);

/* A record's layer and analytic parts into r (results empty): the layer is
 * checked by nnb_layer_finalize and must reproduce its stored output size. */
int nnb_rk_layer_report(const nnb_rk_where *w, json_t *rec, nnb_layer_report *r);
/* A kernel record's measurement into x; x->kernel points into rec (intern it). */
int nnb_rk_result(const nnb_rk_where *w, json_t *rec, nnb_result *x);

#endif
