/* Callgrind reader: recorded real profiles (tests/data/small*.callgrind,
 * see tests/data/README.md) and a hand-written one with every form. */
#include "counters/callgrind.h"
#include "nnb_test.h"

#include <stdlib.h>

static char data_dir[1024];

static const char *data(const char *name)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    return path;
}

static uint64_t ev(const nnb_cg_profile *p, const uint64_t *cost, const char *name)
{
    int e = nnb_cg_event(p, name);
    return e >= 0 ? cost[e] : UINT64_MAX;
}

static void check_totals_match(const nnb_cg_profile *p)
{
    CHECK(p->have_totals);
    for (int e = 0; e < p->nevents; e++) CHECK_EQ_I64(p->self_total[e], p->totals[e]);
}

static void test_forms(void)
{
    nnb_cg_profile p;
    char err[512];
    int rc = nnb_cg_parse_file(data("forms.callgrind"), &p, err, sizeof err);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_EQ_I64(p.nevents, 3);
    CHECK_STR(p.events[0], "Ir");
    CHECK_STR(p.events[1], "Dr");
    CHECK_STR(p.events[2], "Dw");
    CHECK(p.has_instr);
    CHECK_EQ_I64(p.parts, 2);
    CHECK_STR(p.cmd, "./forms --flag");
    CHECK_EQ_I64(p.d1.size, 49152);
    CHECK_EQ_I64(p.d1.line, 64);
    CHECK_EQ_I64(p.d1.assoc, 12);
    CHECK_EQ_I64(p.ll.size, 33554432);
    CHECK(p.have_summary);
    CHECK_EQ_I64(p.summary[0], 1000);

    /* self totals: part 1 (322 109 57) + part 2 with its columns reordered
     * (Ir 11, Dr 4, Dw 2); the calls= inclusive lines are not in them */
    CHECK_EQ_I64(nnb_cg_total(&p, "Ir", NULL), 333);
    CHECK_EQ_I64(nnb_cg_total(&p, "Dr", NULL), 113);
    CHECK_EQ_I64(nnb_cg_total(&p, "Dw", NULL), 59);
    check_totals_match(&p);
    CHECK_EQ_I64(p.calls_total[0], 307);
    CHECK_EQ_I64(p.ncall_lines, 2);
    CHECK_EQ_I64(p.njump_lines, 3);

    CHECK_EQ_I64(p.nobjs, 3);
    int exe = nnb_cg_find_obj(&p, "/opt/forms/bin/forms");
    int libk = nnb_cg_find_obj(&p, "/opt/forms/lib/libk.so");
    int plain = nnb_cg_find_obj(&p, "/opt/forms/lib/libplain.so");
    CHECK(exe >= 0 && libk >= 0 && plain >= 0);

    /* per instruction self costs, after "+N", "-N", "*" and hex subpositions */
    const nnb_cg_instr *in;
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1000)) && in->cost[0] == 1 && in->cost[2] == 1);
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1004)) && in->cost[0] == 2 && in->cost[1] == 1);
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1007)) && in->cost[0] == 1);
    /* two cost lines at 0x1010 are summed (5 + 1) */
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1010)) && in->cost[0] == 6 && in->cost[1] == 5);
    /* 0x1012: relative to the last SELF line (0x1010), not to the call lines */
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1012)) && in->cost[0] == 1);
    CHECK((in = nnb_cg_find_instr(&p, exe, 0x1032)) && in->cost[0] == 7 && in->cost[2] == 1);
    /* kernel: 100 + 10 + 1 over both parts; Dr/Dw reordered in part 2 */
    CHECK((in = nnb_cg_find_instr(&p, libk, 0x2000)) && in->cost[0] == 111 && in->cost[1] == 44 &&
          in->cost[2] == 22);
    CHECK((in = nnb_cg_find_instr(&p, libk, 0x2001)) && in->cost[0] == 200);
    CHECK((in = nnb_cg_find_instr(&p, plain, 0x3000)) && in->cost[0] == 4 && in->cost[1] == 1);
    /* no self cost was booked at call targets in the calling object, nor at jump targets */
    CHECK(nnb_cg_find_instr(&p, exe, 0x2000) == NULL);
    CHECK(nnb_cg_find_instr(&p, exe, 0x1016) == NULL);
    CHECK_EQ_I64(p.ninstr, 9);

    const nnb_cg_fn *f = nnb_cg_find_fn(&p, "main");
    CHECK(f && f->self[0] == 11 && f->calls == 4 && f->calls_incl[0] == 307);
    f = nnb_cg_find_fn(&p, "helper");
    CHECK(f && f->self[0] == 7 && f->obj == exe);
    f = nnb_cg_find_fn(&p, "kernel");
    CHECK(f && f->self[0] == 311 && f->obj == libk);
    f = nnb_cg_find_fn(&p, "plain_fn");
    CHECK(f && f->self[0] == 4 && f->obj == plain);
    nnb_cg_free(&p);
}

static void test_small(void)
{
    nnb_cg_profile p, q;
    char err[512];
    int rc = nnb_cg_parse_file(data("small.callgrind"), &p, err, sizeof err);
    CHECK(rc == 0);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    check_totals_match(&p);
    CHECK_EQ_I64(nnb_cg_total(&p, "Ir", NULL), 1712);
    CHECK_EQ_I64(p.nevents, 12);
    CHECK(nnb_cg_event(&p, "DLdmw") == 11);
    CHECK_EQ_I64(p.ll.line, 64);

    const nnb_cg_fn *dot = nnb_cg_find_fn(&p, "dot");
    const nnb_cg_fn *cpy = nnb_cg_find_fn(&p, "__memcpy_avx_unaligned_erms");
    const nnb_cg_fn *ex = nnb_cg_find_fn(&p, "__expf_fma");
    const nnb_cg_fn *mn = nnb_cg_find_fn(&p, "main");
    CHECK(dot && cpy && ex && mn);
    if (dot && cpy && ex && mn) {
        CHECK_EQ_I64(ev(&p, dot->self, "Ir"), 1545);
        CHECK_EQ_I64(ev(&p, cpy->self, "Ir"), 124);
        CHECK_EQ_I64(ev(&p, ex->self, "Ir"), 29);   /* spread over fi=/fe= file switches */
        CHECK_EQ_I64(ev(&p, mn->self, "Ir"), 14);
        /* main's calls go to leaves: their inclusive costs equal the callees' self costs */
        for (int e = 0; e < p.nevents; e++)
            CHECK_EQ_I64(mn->calls_incl[e], dot->self[e] + cpy->self[e] + ex->self[e]);
        CHECK_EQ_I64(mn->calls, 3);
        CHECK(strcmp(p.objs[cpy->obj], "/usr/lib/x86_64-linux-gnu/libc.so.6") == 0);
        CHECK(strcmp(p.objs[ex->obj], "/usr/lib/x86_64-linux-gnu/libm.so.6") == 0);
        CHECK(strcmp(p.objs[dot->obj], "/tmp/cgt/small") == 0);
    }
    /* dot's first loop instruction 0x12c0 + 45 - 21 = 0x12d8: 1 + 255 executions */
    int exe = nnb_cg_find_obj(&p, "/tmp/cgt/small");
    const nnb_cg_instr *in = nnb_cg_find_instr(&p, exe, 0x12d8);
    CHECK(in && ev(&p, in->cost, "Ir") == 256 && ev(&p, in->cost, "Dr") == 256);

    /* the same run without any compression, and without line positions,
     * gives the same per-instruction table */
    const char *others[] = {"small_plain.callgrind", "small_noline.callgrind"};
    for (int k = 0; k < 2; k++) {
        rc = nnb_cg_parse_file(data(others[k]), &q, err, sizeof err);
        CHECK(rc == 0);
        if (rc) {
            fprintf(stderr, "%s\n", err);
            continue;
        }
        check_totals_match(&q);
        CHECK_EQ_I64(q.ninstr, p.ninstr);
        size_t same = 0;
        int ir_p = nnb_cg_event(&p, "Ir"), ir_q = nnb_cg_event(&q, "Ir");
        for (size_t i = 0; i < p.ninstr; i++) {
            const nnb_cg_instr *a = &p.instr[i];
            int obj = nnb_cg_find_obj(&q, p.objs[a->obj]);
            const nnb_cg_instr *b = nnb_cg_find_instr(&q, obj, a->addr);
            if (b && b->cost[ir_q] == a->cost[ir_p]) same++;
        }
        CHECK_EQ_I64(same, p.ninstr);
        nnb_cg_free(&q);
    }

    rc = nnb_cg_parse_file(data("small_jumps.callgrind"), &q, err, sizeof err);
    CHECK(rc == 0);
    if (rc == 0) {
        check_totals_match(&q);
        CHECK_EQ_I64(q.njump_lines, 6);
        CHECK_EQ_I64(nnb_cg_total(&q, "Ir", NULL), 1712);
        CHECK_EQ_I64(q.ninstr, p.ninstr);
        nnb_cg_free(&q);
    }
    nnb_cg_free(&p);
}

static void expect_error(const char *text, const char *needle)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    nnb_cg_profile p;
    char err[512] = "";
    int rc = nnb_cg_parse_stream(f, "mem", &p, err, sizeof err);
    fclose(f);
    CHECK(rc == -1);
    if (!strstr(err, needle)) {
        nnb_test_failures++;
        fprintf(stderr, "error for %s: got '%s', want '%s'\n", text, err, needle);
    }
}

static void test_errors(void)
{
    expect_error("events: Ir\nfn=(7)\n0x10 1\n", "mem:2:");
    expect_error("events: Ir\nfn=(7)\n0x10 1\n", "(7)");
    expect_error("0x10 1\n", "before events");
    expect_error("events: Ir\npositions: instr\nfn=f\n0x10 1 2\n", "more costs than events");
    expect_error("events: Ir\npositions: instr\nfn=f\n0x10 abc\n", "bad cost");
    expect_error("events: Ir\npositions: instr\nfn=f\ncalls=1 0x20\n", "without its cost line");
    expect_error("events: Ir\npositions: instr\nfn=f\nwhat is this\n", "unrecognised");
    expect_error("events: Ir\npositions: instr\nfn=f\nzz=1\n", "unknown line");
    expect_error("positions: instr\n", "no events");
    expect_error("", "no events");
    expect_error("events: Ir\npositions: instr\nfn=f\n+q 1\n", "subposition");
}


/* Robustness: every truncation and a few thousand byte mutations of the
 * recorded outputs parse or fail with one line; never crash (ASan in CI). */
static void test_mutations(void)
{
    const char *src = getenv("NNB_SOURCE_DIR");
    const char *files[] = {"forms.callgrind", "small.callgrind", "small_jumps.callgrind"};
    uint64_t x = 0x2545F4914F6CDD1Dull;
    int parsed = 0, refused = 0;
    for (size_t fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/data/%s", src ? src : ".", files[fi]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f) continue;
        static char orig[1 << 20];
        size_t n = fread(orig, 1, sizeof orig, f);
        fclose(f);
        static char buf[1 << 20];
        for (int i = 0; i < 400; i++) {
            size_t len = n;
            memcpy(buf, orig, n);
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            if (i % 4 == 0) {
                len = (size_t)(x % (n + 1)); /* truncation */
            } else {
                for (int m = 0; m < 1 + i % 5; m++) {
                    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                    buf[x % n] = " =()+-*0123456789abcfnox\n"[(x >> 20) % 26];
                }
            }
            if (!len) buf[0] = '\0'; /* an empty file: one NUL byte, fmemopen needs size > 0 */
            FILE *m = fmemopen(buf, len ? len : 1, "r");
            CHECK(m != NULL);
            if (!m) continue;
            nnb_cg_profile p;
            char err[512] = "";
            int r = nnb_cg_parse_stream(m, "mutated", &p, err, sizeof err);
            fclose(m);
            if (r == 0) { parsed++; nnb_cg_free(&p); }
            else {
                refused++;
                nnb_test_checks++;
                if (!err[0] || strchr(err, '\n')) {
                    nnb_test_failures++;
                    fprintf(stderr, "mutation %d of %s: rc %d, message '%s'\n", i, files[fi], r, err);
                }
            }
        }
    }
    printf("mutations: %d parsed, %d refused\n", parsed, refused);
}

int main(void)
{
    const char *src = getenv("NNB_SOURCE_DIR");
    if (src) {
        snprintf(data_dir, sizeof data_dir, "%s/tests/data", src);
    } else {
        /* __FILE__ is absolute in CMake builds */
        snprintf(data_dir, sizeof data_dir, "%s", __FILE__);
        char *slash = strrchr(data_dir, '/');
        if (slash) strcpy(slash, "/data");
        else strcpy(data_dir, "tests/data");
    }
    test_forms();
    test_small();
    test_errors();
    test_mutations();
    return nnb_test_done("test_callgrind");
}
