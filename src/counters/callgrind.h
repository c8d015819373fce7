/* Reader for callgrind's profile format (Callgrind Format, version 1, as
 * written by valgrind 3.x and read by KCachegrind): headers (positions,
 * events, summary, totals, desc, part/thread/pid), every name-compression
 * form ("fn=(12) name", "fn=(12)", plain names) for ob/fl/fi/fe/fn and the
 * called/jump forms cob/cfi/cfl/cfn/jfi/jfn, subposition compression
 * ("+3", "-2", "*", hex or decimal absolute), calls= (the following cost
 * line is the callee's INCLUSIVE cost: kept apart, never added to self
 * costs), jump=/jcnd= (followed by a position-only line), several parts.
 *
 * Result: the SELF cost of every executed instruction, keyed by (object,
 * address), summed over parts, threads and contexts. Addresses are what
 * callgrind prints: the ELF virtual address in the object (callgrind
 * subtracts each object's load bias). */
#ifndef NNB_CALLGRIND_H
#define NNB_CALLGRIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NNB_CG_MAX_EVENTS 16

typedef struct nnb_cg_instr {
    uint64_t addr;
    int obj;                               /* index into objs, -1 unknown */
    int fn;                                /* index into fns of its first cost line, -1 unknown */
    uint64_t cost[NNB_CG_MAX_EVENTS];      /* self cost */
} nnb_cg_instr;

typedef struct nnb_cg_fn {
    char *name;
    int obj;
    uint64_t self[NNB_CG_MAX_EVENTS];      /* sum of its cost lines */
    uint64_t calls_incl[NNB_CG_MAX_EVENTS];/* inclusive cost of the calls it makes */
    uint64_t calls;                        /* call count out of it */
} nnb_cg_fn;

typedef struct nnb_cg_cache_desc {
    int64_t size;
    int line, assoc;                       /* 0 when not described */
} nnb_cg_cache_desc;

typedef struct nnb_cg_profile {
    int nevents;
    char events[NNB_CG_MAX_EVENTS][16];
    bool has_instr;                        /* "positions:" included instr */
    int parts;
    char cmd[256];
    char creator[64];
    nnb_cg_cache_desc i1, d1, ll;          /* from "desc: D1 cache: ..." */

    size_t ninstr, instr_cap;
    nnb_cg_instr *instr;
    size_t *hash;                          /* open addressing: index+1, 0 = empty */
    size_t hash_cap;

    size_t nobjs;
    char **objs;
    size_t nfns, fns_cap;
    nnb_cg_fn *fns;

    uint64_t self_total[NNB_CG_MAX_EVENTS];/* sum of all self cost lines */
    uint64_t calls_total[NNB_CG_MAX_EVENTS];/* sum of all calls= inclusive lines */
    size_t ncall_lines, njump_lines, ncost_lines;
    bool have_totals, have_summary;
    uint64_t totals[NNB_CG_MAX_EVENTS];    /* "totals:" lines, summed over parts */
    uint64_t summary[NNB_CG_MAX_EVENTS];

    /* name-compression tables (id -> string), one per namespace */
    struct nnb_cg_names { char **name; size_t cap; } names_ob, names_fl, names_fn;
} nnb_cg_profile;

/* Parses a file / stream. 0, or -1 with "PATH:LINE: reason" in err (the
 * profile is then freed). `name` is used in messages only. */
int nnb_cg_parse_file(const char *path, nnb_cg_profile *p, char *err, size_t errlen);
int nnb_cg_parse_stream(FILE *f, const char *name, nnb_cg_profile *p, char *err, size_t errlen);
void nnb_cg_free(nnb_cg_profile *p);

/* Index of an event column by name ("Ir", "D1mr"...), -1 if absent. */
int nnb_cg_event(const nnb_cg_profile *p, const char *name);
/* Self total of an event by name; 0 with *found=false if absent. */
uint64_t nnb_cg_total(const nnb_cg_profile *p, const char *name, bool *found);
/* A function by name (first match), NULL if absent. */
const nnb_cg_fn *nnb_cg_find_fn(const nnb_cg_profile *p, const char *name);
/* The self cost of one instruction, NULL if it never executed. */
const nnb_cg_instr *nnb_cg_find_instr(const nnb_cg_profile *p, int obj, uint64_t addr);
/* Object index by exact path, -1 if absent. */
int nnb_cg_find_obj(const nnb_cg_profile *p, const char *path);

#endif
