/* Callgrind profile reader. See callgrind.h for what it accepts.
 *
 * Subposition base: callgrind's writer (dump.c) updates its "last
 * position" only on self cost lines; the target of calls=/jump=/jcnd= and
 * the call-site line that follows are written relative to that position
 * without updating it. This reader does the same. */
#include "counters/callgrind.h"

#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POS 3

typedef struct parser {
    nnb_cg_profile *p;
    const char *name;
    long lineno;
    char *err;
    size_t errlen;
    int npos, instr_col;
    uint64_t last[MAX_POS];
    int colmap[NNB_CG_MAX_EVENTS];  /* file column -> profile event index */
    int ncols;
    bool have_events;
    int cur_ob, cur_fn;
    int pending;                    /* 0 none, 1 call cost line, 2 jump source line */
} parser;

static int fail(parser *ps, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "%s:%ld: %s", ps->name, ps->lineno, msg);
    return -1;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* ---- instruction table (hash on obj, addr) ---- */

static size_t hash_key(int obj, uint64_t addr)
{
    uint64_t h = addr * 0x9E3779B97F4A7C15ull ^ ((uint64_t)(uint32_t)(obj + 1) << 47);
    h ^= h >> 29;
    return (size_t)h;
}

static int grow_hash(nnb_cg_profile *p)
{
    size_t cap = p->hash_cap ? p->hash_cap * 2 : 4096;
    size_t *h = calloc(cap, sizeof *h);
    if (!h) return -1;
    for (size_t i = 0; i < p->ninstr; i++) {
        size_t j = hash_key(p->instr[i].obj, p->instr[i].addr) & (cap - 1);
        while (h[j]) j = (j + 1) & (cap - 1);
        h[j] = i + 1;
    }
    free(p->hash);
    p->hash = h;
    p->hash_cap = cap;
    return 0;
}

static nnb_cg_instr *instr_get(nnb_cg_profile *p, int obj, uint64_t addr, bool create)
{
    if (p->hash_cap) {
        size_t j = hash_key(obj, addr) & (p->hash_cap - 1);
        while (p->hash[j]) {
            nnb_cg_instr *in = &p->instr[p->hash[j] - 1];
            if (in->addr == addr && in->obj == obj) return in;
            j = (j + 1) & (p->hash_cap - 1);
        }
    }
    if (!create) return NULL;
    if ((p->ninstr + 1) * 2 > p->hash_cap && grow_hash(p) != 0) return NULL;
    if (p->ninstr == p->instr_cap) {
        size_t cap = p->instr_cap ? p->instr_cap * 2 : 1024;
        nnb_cg_instr *v = realloc(p->instr, cap * sizeof *v);
        if (!v) return NULL;
        p->instr = v;
        p->instr_cap = cap;
    }
    nnb_cg_instr *in = &p->instr[p->ninstr++];
    memset(in, 0, sizeof *in);
    in->addr = addr;
    in->obj = obj;
    in->fn = -1;
    size_t j = hash_key(obj, addr) & (p->hash_cap - 1);
    while (p->hash[j]) j = (j + 1) & (p->hash_cap - 1);
    p->hash[j] = p->ninstr;
    return in;
}

/* ---- names ---- */

static int names_set(struct nnb_cg_names *t, size_t id, const char *name)
{
    if (id > 100000000) return -1;
    if (id >= t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap <= id) cap *= 2;
        char **v = realloc(t->name, cap * sizeof *v);
        if (!v) return -1;
        memset(v + t->cap, 0, (cap - t->cap) * sizeof *v);
        t->name = v;
        t->cap = cap;
    }
    char *d = xstrdup(name);
    if (!d) return -1;
    free(t->name[id]);
    t->name[id] = d;
    return 0;
}

/* Resolves a position name: "(id) name" defines, "(id)" references,
 * anything else is the name itself. Returns the name or NULL (error set). */
static const char *resolve(parser *ps, struct nnb_cg_names *t, char *val, const char *what)
{
    val = trim(val);
    if (val[0] == '(' && isdigit((unsigned char)val[1])) {
        char *end;
        errno = 0;
        unsigned long long id = strtoull(val + 1, &end, 10);
        if (errno || *end != ')') {
            fail(ps, "bad %s name compression '%s'", what, val);
            return NULL;
        }
        char *rest = trim(end + 1);
        if (*rest) {
            if (names_set(t, (size_t)id, rest) != 0) {
                fail(ps, "out of memory or id too large in %s '%s'", what, val);
                return NULL;
            }
            return t->name[id];
        }
        if (id >= t->cap || !t->name[id]) {
            fail(ps, "%s id (%llu) used before it was defined", what, id);
            return NULL;
        }
        return t->name[id];
    }
    return val;
}

static int obj_index(nnb_cg_profile *p, const char *name)
{
    for (size_t i = 0; i < p->nobjs; i++)
        if (strcmp(p->objs[i], name) == 0) return (int)i;
    char **v = realloc(p->objs, (p->nobjs + 1) * sizeof *v);
    if (!v) return -2;
    p->objs = v;
    if (!(p->objs[p->nobjs] = xstrdup(name))) return -2;
    return (int)p->nobjs++;
}

static int fn_index(nnb_cg_profile *p, const char *name, int obj)
{
    /* most lookups repeat the last function or are compressed ids that map
     * to the same string pointer; a linear scan from the end is enough for
     * the few thousand functions a kernel run touches */
    for (size_t i = p->nfns; i-- > 0;)
        if (p->fns[i].obj == obj && strcmp(p->fns[i].name, name) == 0) return (int)i;
    if (p->nfns == p->fns_cap) {
        size_t cap = p->fns_cap ? p->fns_cap * 2 : 256;
        nnb_cg_fn *v = realloc(p->fns, cap * sizeof *v);
        if (!v) return -2;
        p->fns = v;
        p->fns_cap = cap;
    }
    nnb_cg_fn *f = &p->fns[p->nfns];
    memset(f, 0, sizeof *f);
    if (!(f->name = xstrdup(name))) return -2;
    f->obj = obj;
    return (int)p->nfns++;
}

/* ---- numbers and positions ---- */

static int parse_u64(const char **s, uint64_t *v)
{
    const char *q = *s;
    char *end;
    errno = 0;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
        *v = strtoull(q + 2, &end, 16);
    else if (isdigit((unsigned char)q[0]))
        *v = strtoull(q, &end, 10);
    else
        return -1;
    if (errno || end == q || (*end && *end != ' ' && *end != '\t' && *end != '\r')) return -1;
    *s = end;
    return 0;
}

/* A decimal count, which may end at a space or '/' (jcnd=). */
static int parse_count(const char **s, uint64_t *v)
{
    char *end;
    if (!isdigit((unsigned char)**s)) return -1;
    errno = 0;
    *v = strtoull(*s, &end, 10);
    if (errno) return -1;
    *s = end;
    return 0;
}

static void skip_ws(const char **s)
{
    while (**s == ' ' || **s == '\t' || **s == '\r') (*s)++;
}

/* Parses ps->npos subpositions relative to ps->last into pos[]. */
static int parse_positions(parser *ps, const char **s, uint64_t *pos)
{
    for (int i = 0; i < ps->npos; i++) {
        skip_ws(s);
        const char *q = *s;
        if (*q == '*') {
            pos[i] = ps->last[i];
            q++;
            if (*q && *q != ' ' && *q != '\t' && *q != '\r') return fail(ps, "bad subposition '%s'", *s);
            *s = q;
        } else if (*q == '+' || *q == '-') {
            const char *r = q + 1;
            uint64_t d;
            if (parse_u64(&r, &d) != 0) return fail(ps, "bad relative subposition '%s'", q);
            pos[i] = *q == '+' ? ps->last[i] + d : ps->last[i] - d;
            *s = r;
        } else {
            if (parse_u64(s, &pos[i]) != 0) return fail(ps, "bad subposition '%s'", q);
        }
    }
    return 0;
}

static int parse_costs(parser *ps, const char *s, uint64_t *cost)
{
    memset(cost, 0, sizeof(uint64_t) * NNB_CG_MAX_EVENTS);
    for (int c = 0;; c++) {
        skip_ws(&s);
        if (!*s) break;
        if (c >= ps->ncols) return fail(ps, "more costs than events (%d)", ps->ncols);
        uint64_t v;
        const char *q = s;
        if (parse_u64(&s, &v) != 0) return fail(ps, "bad cost '%s'", q);
        cost[ps->colmap[c]] += v;
    }
    return 0;
}

static int parse_cost_list(parser *ps, const char *s, uint64_t *acc)
{
    uint64_t cost[NNB_CG_MAX_EVENTS];
    if (!ps->have_events) return fail(ps, "totals/summary before events:");
    if (parse_costs(ps, s, cost) != 0) return -1;
    for (int e = 0; e < ps->p->nevents; e++) acc[e] += cost[e];
    return 0;
}

/* ---- header lines ---- */

static int header_events(parser *ps, char *val)
{
    nnb_cg_profile *p = ps->p;
    int ncols = 0;
    for (char *tok = strtok(val, " \t"); tok; tok = strtok(NULL, " \t")) {
        if (ncols == NNB_CG_MAX_EVENTS) return fail(ps, "more than %d events", NNB_CG_MAX_EVENTS);
        if (strlen(tok) >= sizeof p->events[0]) return fail(ps, "event name too long '%s'", tok);
        int idx = -1;
        for (int e = 0; e < p->nevents; e++)
            if (strcmp(p->events[e], tok) == 0) idx = e;
        if (idx < 0) {
            if (p->nevents == NNB_CG_MAX_EVENTS) return fail(ps, "more than %d events", NNB_CG_MAX_EVENTS);
            idx = p->nevents++;
            strcpy(p->events[idx], tok);
        }
        ps->colmap[ncols++] = idx;
    }
    if (!ncols) return fail(ps, "empty events: line");
    ps->ncols = ncols;
    ps->have_events = true;
    return 0;
}

static int header_positions(parser *ps, char *val)
{
    int n = 0;
    ps->instr_col = -1;
    for (char *tok = strtok(val, " \t"); tok; tok = strtok(NULL, " \t")) {
        if (n == MAX_POS) return fail(ps, "too many position columns");
        if (strcmp(tok, "instr") == 0) ps->instr_col = n;
        else if (strcmp(tok, "line") != 0 && strcmp(tok, "bb") != 0)
            return fail(ps, "unknown position kind '%s'", tok);
        n++;
    }
    if (!n) return fail(ps, "empty positions: line");
    ps->npos = n;
    if (ps->instr_col >= 0) ps->p->has_instr = true;
    memset(ps->last, 0, sizeof ps->last);
    return 0;
}

/* "D1 cache: 49152 B, 64 B, 12-way associative" */
static void header_desc(nnb_cg_profile *p, const char *val)
{
    nnb_cg_cache_desc *c = NULL;
    if (strncmp(val, "I1 cache:", 9) == 0) c = &p->i1;
    else if (strncmp(val, "D1 cache:", 9) == 0) c = &p->d1;
    else if (strncmp(val, "LL cache:", 9) == 0) c = &p->ll;
    if (!c) return;
    long long size;
    int line, assoc;
    if (sscanf(val + 9, " %lld B, %d B, %d-way", &size, &line, &assoc) == 3) {
        c->size = size;
        c->line = line;
        c->assoc = assoc;
    }
}


static void new_part(parser *ps)
{
    memset(ps->last, 0, sizeof ps->last);
    ps->cur_ob = -1;
    ps->cur_fn = -1;
    ps->pending = 0;
}

static int header_line(parser *ps, char *key, char *val)
{
    nnb_cg_profile *p = ps->p;
    val = trim(val);
    if (strcmp(key, "events") == 0) { new_part(ps); return header_events(ps, val); }
    if (strcmp(key, "positions") == 0) { new_part(ps); return header_positions(ps, val); }
    if (strcmp(key, "totals") == 0) {
        p->have_totals = true;
        return parse_cost_list(ps, val, p->totals);
    }
    if (strcmp(key, "summary") == 0) {
        p->have_summary = true;
        return parse_cost_list(ps, val, p->summary);
    }
    if (strcmp(key, "part") == 0) { p->parts++; new_part(ps); return 0; }
    if (strcmp(key, "thread") == 0 || strcmp(key, "pid") == 0) { new_part(ps); return 0; }
    if (strcmp(key, "cmd") == 0) { nnb_copy_str(p->cmd, sizeof p->cmd, val); return 0; }
    if (strcmp(key, "creator") == 0) { nnb_copy_str(p->creator, sizeof p->creator, val); return 0; }
    if (strcmp(key, "desc") == 0) { header_desc(p, val); return 0; }
    /* version, event (long names / inherited types), timeframe, unknown: ignored */
    return 0;
}

/* ---- body lines ---- */

static int spec_line(parser *ps, const char *key, char *val)
{
    nnb_cg_profile *p = ps->p;
    if (strcmp(key, "ob") == 0 || strcmp(key, "cob") == 0) {
        const char *n = resolve(ps, &p->names_ob, val, key);
        if (!n) return -1;
        if (key[0] == 'o') {
            int o = obj_index(p, n);
            if (o < 0) return fail(ps, "out of memory");
            ps->cur_ob = o;
        }
        return 0;
    }
    if (strcmp(key, "fl") == 0 || strcmp(key, "fi") == 0 || strcmp(key, "fe") == 0 ||
        strcmp(key, "cfi") == 0 || strcmp(key, "cfl") == 0 || strcmp(key, "jfi") == 0)
        return resolve(ps, &p->names_fl, val, key) ? 0 : -1;
    if (strcmp(key, "fn") == 0) {
        const char *n = resolve(ps, &p->names_fn, val, key);
        if (!n) return -1;
        int f = fn_index(p, n, ps->cur_ob);
        if (f < 0) return fail(ps, "out of memory");
        ps->cur_fn = f;
        return 0;
    }
    if (strcmp(key, "cfn") == 0 || strcmp(key, "jfn") == 0)
        return resolve(ps, &p->names_fn, val, key) ? 0 : -1;
    if (strcmp(key, "calls") == 0) {
        const char *s = val;
        uint64_t count, target[MAX_POS];
        skip_ws(&s);
        if (parse_count(&s, &count) != 0) return fail(ps, "bad calls= count '%s'", val);
        if (parse_positions(ps, &s, target) != 0) return -1;
        if (ps->cur_fn >= 0) p->fns[ps->cur_fn].calls += count;
        p->ncall_lines++;
        ps->pending = 1;
        return 0;
    }
    if (strcmp(key, "jump") == 0 || strcmp(key, "jcnd") == 0) {
        /* jump=COUNT TARGET; jcnd=FOLLOWED/EXECUTED TARGET (callgrind) or
         * jcnd=FOLLOWED EXECUTED TARGET (the grammar in the manual) */
        const char *s = val;
        uint64_t a, b, target[MAX_POS];
        skip_ws(&s);
        if (parse_count(&s, &a) != 0) return fail(ps, "bad %s= count '%s'", key, val);
        if (strcmp(key, "jcnd") == 0) {
            if (*s == '/') s++;
            skip_ws(&s);
            if (parse_count(&s, &b) != 0) return fail(ps, "bad jcnd= counts '%s'", val);
        }
        if (parse_positions(ps, &s, target) != 0) return -1;
        p->njump_lines++;
        ps->pending = 2;
        return 0;
    }
    return fail(ps, "unknown line '%s=%s'", key, val);
}

static int cost_line(parser *ps, const char *s)
{
    nnb_cg_profile *p = ps->p;
    if (!ps->have_events) return fail(ps, "cost line before events:");
    if (!ps->npos) { /* no positions: header means "line" */
        ps->npos = 1;
        ps->instr_col = -1;
    }
    uint64_t pos[MAX_POS], cost[NNB_CG_MAX_EVENTS];
    if (parse_positions(ps, &s, pos) != 0) return -1;
    if (parse_costs(ps, s, cost) != 0) return -1;

    if (ps->pending == 1) { /* inclusive cost of the call just announced */
        ps->pending = 0;
        for (int e = 0; e < p->nevents; e++) {
            p->calls_total[e] += cost[e];
            if (ps->cur_fn >= 0) p->fns[ps->cur_fn].calls_incl[e] += cost[e];
        }
        return 0;
    }
    if (ps->pending == 2) { /* source position of a jump: no cost */
        ps->pending = 0;
        return 0;
    }
    memcpy(ps->last, pos, sizeof pos);
    p->ncost_lines++;
    for (int e = 0; e < p->nevents; e++) p->self_total[e] += cost[e];
    if (ps->cur_fn >= 0)
        for (int e = 0; e < p->nevents; e++) p->fns[ps->cur_fn].self[e] += cost[e];
    if (ps->instr_col >= 0) {
        nnb_cg_instr *in = instr_get(p, ps->cur_ob, pos[ps->instr_col], true);
        if (!in) return fail(ps, "out of memory");
        if (in->fn < 0) in->fn = ps->cur_fn;
        for (int e = 0; e < p->nevents; e++) in->cost[e] += cost[e];
    }
    return 0;
}

static int parse_line(parser *ps, char *line)
{
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    if (!*s || *s == '#') return 0;
    if (isdigit((unsigned char)*s) || *s == '+' || *s == '-' || *s == '*') return cost_line(ps, s);

    /* "key=value" (body) or "key: value" (header); the key is a word */
    char *eq = strchr(s, '='), *colon = strchr(s, ':');
    char *k = s;
    while (isalpha((unsigned char)*k)) k++;
    if (eq && k == eq) {
        *eq = '\0';
        return spec_line(ps, s, eq + 1);
    }
    if (colon && (!eq || colon < eq)) {
        *colon = '\0';
        return header_line(ps, trim(s), colon + 1);
    }
    return fail(ps, "unrecognised line '%s'", s);
}

int nnb_cg_parse_stream(FILE *f, const char *name, nnb_cg_profile *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    parser ps = {.p = p, .name = name, .err = err, .errlen = errlen, .instr_col = -1,
                 .cur_ob = -1, .cur_fn = -1};
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (getline(&line, &cap, f) >= 0) {
        ps.lineno++;
        if (parse_line(&ps, line) != 0) { rc = -1; break; }
    }
    free(line);
    if (rc == 0 && ferror(f)) rc = fail(&ps, "read error");
    if (rc == 0 && ps.pending == 1) rc = fail(&ps, "calls= line without its cost line");
    if (rc == 0 && !ps.have_events) rc = fail(&ps, "no events: line (not a callgrind profile)");
    if (rc != 0) nnb_cg_free(p);
    return rc;
}

int nnb_cg_parse_file(const char *path, nnb_cg_profile *p, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        memset(p, 0, sizeof *p);
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = nnb_cg_parse_stream(f, path, p, err, errlen);
    fclose(f);
    return rc;
}

static void free_names(struct nnb_cg_names *t)
{
    for (size_t i = 0; i < t->cap; i++) free(t->name[i]);
    free(t->name);
}

void nnb_cg_free(nnb_cg_profile *p)
{
    free(p->instr);
    free(p->hash);
    for (size_t i = 0; i < p->nobjs; i++) free(p->objs[i]);
    free(p->objs);
    for (size_t i = 0; i < p->nfns; i++) free(p->fns[i].name);
    free(p->fns);
    free_names(&p->names_ob);
    free_names(&p->names_fl);
    free_names(&p->names_fn);
    memset(p, 0, sizeof *p);
}

int nnb_cg_event(const nnb_cg_profile *p, const char *name)
{
    for (int e = 0; e < p->nevents; e++)
        if (strcmp(p->events[e], name) == 0) return e;
    return -1;
}

uint64_t nnb_cg_total(const nnb_cg_profile *p, const char *name, bool *found)
{
    int e = nnb_cg_event(p, name);
    if (found) *found = e >= 0;
    return e >= 0 ? p->self_total[e] : 0;
}

const nnb_cg_fn *nnb_cg_find_fn(const nnb_cg_profile *p, const char *name)
{
    for (size_t i = 0; i < p->nfns; i++)
        if (strcmp(p->fns[i].name, name) == 0) return &p->fns[i];
    return NULL;
}

const nnb_cg_instr *nnb_cg_find_instr(const nnb_cg_profile *p, int obj, uint64_t addr)
{
    return instr_get((nnb_cg_profile *)p, obj, addr, false);
}

int nnb_cg_find_obj(const nnb_cg_profile *p, const char *path)
{
    for (size_t i = 0; i < p->nobjs; i++)
        if (strcmp(p->objs[i], path) == 0) return (int)i;
    return -1;
}
