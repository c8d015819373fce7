/* benchdnn batch files and descriptors as benchdnn reads them: field order,
 * repeats, 1-D and unit-depth 3-D, the h/w derivation, deconv's negative far
 * padding; batch() tokens (comments, '\' joins), --mb lists, --reset keeping
 * the driver, --dir, nested --batch (relative, depth limit), skipped
 * descriptors named file:line; and valid-tap MACs in closed form against a
 * tap-by-tap count (no loop over a 2^39 kernel). */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "nnb_test.h"
#include "ops/op.h"
#include "spec/spec.h"

static nnb_layer P(const char *s)
{
    nnb_layer l;
    char err[512];
    memset(&l, 0, sizeof l);
    int r = nnb_spec_parse(s, &l, err, sizeof err);
    if (r) fprintf(stderr, "unexpected parse failure %d: %s: %s\n", r, s, err);
    CHECK(r == 0);
    return l;
}

static void descriptors(void)
{
    /* any order, '_' after a field, last repeat wins */
    nnb_layer a = P("mb1ic16ih10oc32kh3ph1"), b = P("oc32kh3_ph1ih10ic16mb1"), c = P("mb7ic16ih10oc32kh3ph1mb1");
    CHECK(a.c == b.c && a.k == b.k && a.h == b.h && a.oh == b.oh && a.pt == b.pt && b.n == 1 && c.n == 1);
    /* 1-D: h = oh = kh = 1 */
    a = P("g128ic128iw16oc128ow16kw3sw1pw1");
    CHECK(a.h == 1 && a.oh == 1 && a.kh == 1 && a.pt == 0 && a.w == 16 && a.ow == 16 && a.kw == 3 && a.pl == 1);
    CHECK(a.n == 2); /* benchdnn's default mb */
    /* a w field given: w derived on its own (ow from pw... pw from ow), sw 1, dw 0 */
    a = P("mb1ic3ih15oh7kh6sh2ph3_iw10ow10kw3oc4");
    CHECK(a.sw == 1 && a.pl == 1 && a.pr == 1 && a.dw == 1 && a.ow == 10 && a.sh == 2 && a.pt == 3);
    /* no w field at all: h copied, "pw0" alone counts as none (benchdnn's no_w) */
    a = P("mb1ic3ih10oc3kh3ph1pw0");
    CHECK(a.pl == 1 && a.w == 10 && a.kw == 3);
    /* unit-depth 3-D is the 2-D problem */
    a = P("mb1ic8id1ih9iw9oc8od1oh9ow9kd1kh3kw3pd0ph1pw1");
    CHECK(a.h == 9 && a.oh == 9 && a.pt == 1);
    nnb_layer l;
    char err[512];
    CHECK(nnb_spec_parse("ic8id4ih9iw9oc8kd3kh3kw3", &l, err, sizeof err) == NNB_SPEC_UNSUPPORTED);
    CHECK(strstr(err, NNB_SPEC_3D_REASON) != NULL);
    /* deconv far padding -1 (benchdnn) as output padding 1 */
    a = P("deconv:mb1_g1oc3ic64_ow1030iw512kw7sw2dw0pw0");
    CHECK(a.ow == 1030 && a.pr == 0 && a.opw == 1 && a.h == 1);
    /* conv far padding -1 with stride 2: 0, the same 28 outputs */
    a = P("mb1ic256iw56oc512ow28kw1sw2pw0");
    CHECK(a.ow == 28 && a.pr == 0);
    /* strtol: a sign; a leading '_' or an empty value is benchdnn's error */
    CHECK(P("mb1ic+8ih5oc8kh1").c == 8);
    CHECK(nnb_spec_parse("mb1ic8ih5oc8kh", &l, err, sizeof err) == -1 && strstr(err, "no value for 'kh'"));
    CHECK(nnb_spec_parse("mb1ic8ih5oc8kh1__", &l, err, sizeof err) == -1 && strstr(err, "unrecognized"));
    CHECK(nnb_spec_parse("mb1ic8ih5oc8kh99999999999999999999", &l, err, sizeof err) == -1 && strstr(err, "2^40"));
}

typedef struct {
    int layers, skips, notes;
    int64_t n[16];
    nnb_op op[16];
    bool bias[16];
    char where[16][256];
    nnb_skip_class cls[16];
} seen;

static int on_layer(const nnb_layer *l, const char *spec, void *ctx)
{
    (void)spec;
    seen *s = ctx;
    if (s->layers < 16) {
        s->n[s->layers] = l->n;
        s->op[s->layers] = l->op;
        s->bias[s->layers] = l->bias;
    }
    s->layers++;
    return 0;
}

static int on_skip(const char *spec, const char *where, nnb_skip_class cls, const char *reason, void *ctx)
{
    (void)spec;
    (void)reason;
    seen *s = ctx;
    if (s->skips < 16) {
        snprintf(s->where[s->skips], sizeof s->where[0], "%s", where);
        s->cls[s->skips] = cls;
    }
    s->skips++;
    return 0;
}

static void on_note(const char *where, const char *text, void *ctx)
{
    (void)where;
    (void)text;
    ((seen *)ctx)->notes++;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static int read_file(const char *path, const nnb_spec_knobs *k, seen *s, char *err, size_t len)
{
    memset(s, 0, sizeof *s);
    nnb_batch_sink sink = {.layer = on_layer, .layer_ctx = s, .skip = on_skip, .skip_ctx = s, .note = on_note};
    int r = nnb_spec_read_batch(path, k, &sink, err, len);
    CHECK(r || (sink.layers == (size_t)s->layers && sink.skipped == (size_t)s->skips));
    return r;
}

static void batches(void)
{
    char dir[] = "/tmp/nnb_batch_XXXXXX", a[300], b[300], c[300], err[1024];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/outer", dir);
    snprintf(b, sizeof b, "%s/inner", dir);
    snprintf(c, sizeof c, "%s/self", dir);
    seen s;
    /* comment mid-line, '\' joining two halves, --mb list, --deconv kept by
     * --reset, --dir=FWD_D, nested file relative to this one, a 3-D skip */
    write_file(a, "# head\nmb3ic8ih6oc4kh3ph1 # tail mb9\n--mb=1,4 ic8ih6\\\n oc4kh3ph1\n--deconv --mb=2 --reset "
                  "ic8ih6oc4kh4sh2ph1\n--dir=FWD_D --batch=inner\nic8id4ih9iw9oc8kd3kh3kw3\n--strides=1x2 --cfg=f32\n");
    write_file(b, "ic8ih6oc4kh4sh2ph1\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0);
    CHECK_EQ_I64(s.layers, 5);
    CHECK(s.n[0] == 3 && s.n[1] == 1 && s.n[2] == 4 && s.n[3] == 2 && s.n[4] == 2);
    CHECK(s.op[0] == NNB_OP_CONV && s.op[2] == NNB_OP_CONV && s.op[3] == NNB_OP_DECONV && s.op[4] == NNB_OP_DECONV);
    CHECK(s.bias[3] && !s.bias[4]);
    CHECK_EQ_I64(s.skips, 1);
    CHECK(strstr(s.where[0], "outer:7") != NULL);
    /* knobs from the command line: --deconv, --mb */
    nnb_spec_knobs k;
    nnb_spec_knobs_init(&k);
    k.driver = NNB_OP_DECONV;
    CHECK(nnb_spec_knobs_mb(&k, "5,6", err, sizeof err) == 0);
    CHECK(read_file(b, &k, &s, err, sizeof err) == 0);
    CHECK(s.layers == 2 && s.n[0] == 5 && s.n[1] == 6 && s.op[1] == NNB_OP_DECONV);
    CHECK(nnb_spec_knobs_mb(&k, "1,,2", err, sizeof err) == -1 && strstr(err, "--mb"));
    CHECK(nnb_spec_knobs_mb(&k, "-1", err, sizeof err) == -1);
    /* malformed: file:line, stops */
    write_file(a, "ic8ih6oc4kh3\n\nic8ih6oc4kh3zz\nic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == -1 && strstr(err, "outer:3:") && s.layers == 1);
    /* nesting: itself, forever, stops at the depth limit; a device refused */
    write_file(c, "--batch=self\n");
    CHECK(read_file(c, NULL, &s, err, sizeof err) == -1 && strstr(err, "nested deeper"));
    write_file(a, "--batch=/dev/zero\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == -1 && strstr(err, "regular file"));
    write_file(a, "\\ ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == -1 && strstr(err, "continuation"));
    write_file(a, "--dir=BWD_D ic8ih6oc4kh3 --dir=FWD_B ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0 && s.layers == 1 && s.skips == 1);
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(dir);
}

/* Each class of benchdnn knob (src/spec/knobs.c): honoured, checked (a
 * value nnbench cannot honour skips the descriptors after it; a list keeps
 * the honoured entries and names the others), hinted (one note), unknown
 * (an error naming file:line). */
static void knob_classes(void)
{
    char dir[] = "/tmp/nnb_knobs_XXXXXX", a[300], err[1024];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/k", dir);
    seen s;
    static const struct {
        const char *knob;
        nnb_skip_class cls;
    } skips[] = {
        {"--dt=bf16", NNB_SKIP_DATA_TYPE},          {"--dt=s8:s8:s32", NNB_SKIP_DATA_TYPE},
        {"--dt=f32:f32:bf16", NNB_SKIP_DATA_TYPE},  {"--cfg=u8s8u8", NNB_SKIP_DATA_TYPE},
        {"--bia-dt=bf16", NNB_SKIP_DATA_TYPE},      {"--attr-post-ops=relu", NNB_SKIP_POST_OPS},
        {"--attr-post-ops=sum:1.0", NNB_SKIP_POST_OPS}, {"--attr-scales=wei:per_oc", NNB_SKIP_ATTRIBUTE},
        {"--attr-zero-points=src:common:1", NNB_SKIP_ATTRIBUTE}, {"--attr-fpmath=tf32", NNB_SKIP_ATTRIBUTE},
        {"--alg=wino", NNB_SKIP_ALGORITHM},         {"--dir=BWD_D", NNB_SKIP_BACKWARD},
        {"--dir=bwd_w", NNB_SKIP_BACKWARD},
    };
    for (size_t i = 0; i < sizeof skips / sizeof skips[0]; i++) {
        char text[256];
        /* skipped until --reset; then the same descriptor runs */
        snprintf(text, sizeof text, "%s\nic8ih6oc4kh3\nic8ih7oc4kh3\n--reset ic8ih6oc4kh3\n", skips[i].knob);
        write_file(a, text);
        CHECK(read_file(a, NULL, &s, err, sizeof err) == 0);
        CHECK_EQ_I64(s.layers, 1);
        CHECK_EQ_I64(s.skips, 2);
        CHECK(s.cls[0] == skips[i].cls && s.cls[1] == skips[i].cls);
        CHECK(strstr(s.where[1], "k:3") != NULL);
    }
    /* honoured values: f32 in each spelling, empty attributes, forward directions */
    write_file(a, "--dt=f32 --cfg=f32 --dt=f32:f32:f32 --bia-dt=f32 --attr-post-ops= --attr-scales= --dir=FWD_I "
                  "--attr-fpmath=strict ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0 && s.layers == 1 && s.skips == 0 && !s.bias[0]);
    /* lists: the honoured entries run (FWD_B with bias, FWD_D without), the
     * others are one record per knob */
    write_file(a, "--dt=f32,bf16 --dir=FWD_B,FWD_D,BWD_D --mb=2,3 ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0);
    CHECK_EQ_I64(s.layers, 4);
    CHECK(s.bias[0] && !s.bias[1] && s.n[0] == 2 && s.n[2] == 3);
    CHECK(s.skips == 2 && s.cls[0] == NNB_SKIP_BACKWARD && s.cls[1] == NNB_SKIP_DATA_TYPE);
    /* --bia-dt=undef: no bias */
    write_file(a, "--bia-dt=undef ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0 && s.layers == 1 && !s.bias[0]);
    /* hints: run as they are, one note per knob */
    write_file(a, "--stag=nhwc --mode=P ic8ih6oc4kh3 --stag=any --skip-impl=ref --alg=direct --wtag=any --dtag=any "
                  "--strides=1x2 ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == 0 && s.layers == 2 && s.skips == 0);
    CHECK_EQ_I64(s.notes, 7);
    /* unknown knobs, and knobs without a value: errors at file:line */
    write_file(a, "ic8ih6oc4kh3\n--bogus-knob=1 ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == -1 && strstr(err, "k:2:") && strstr(err, "--bogus-knob=1"));
    write_file(a, "--dt bf16 ic8ih6oc4kh3\n");
    CHECK(read_file(a, NULL, &s, err, sizeof err) == -1 && strstr(err, "k:1:") && strstr(err, "=VALUE"));
    unlink(a);
    rmdir(dir);
}

/* pairs (o, r) with 0 <= o*s - p + r*d < bound, one by one */
static int64_t brute(int64_t n, int64_t bound, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t t = 0;
    for (int64_t o = 0; o < n; o++)
        for (int64_t r = 0; r < k; r++) {
            int64_t x = o * s - p + r * d;
            t += x >= 0 && x < bound;
        }
    return t;
}

static void valid_taps(void)
{
    srand(13);
    for (int i = 0; i < 20000; i++) {
        nnb_layer l;
        nnb_layer_init(&l, i % 2 ? NNB_OP_DECONV : NNB_OP_CONV);
        l.c = l.k = 1;
        l.h = 1 + rand() % 12;
        l.w = 1 + rand() % 30;
        l.kh = 1 + rand() % 6;
        l.kw = 1 + rand() % 40;
        l.sh = 1 + rand() % 4;
        l.sw = 1 + rand() % 5;
        l.dh = 1 + rand() % 3;
        l.dw = 1 + rand() % 4;
        l.pt = rand() % 8, l.pb = rand() % 8, l.pl = rand() % 30, l.pr = rand() % 30;
        char err[256];
        nnb_op_counts a;
        if (nnb_layer_finalize(&l, err, sizeof err) || nnb_op_count(&l, &a, err, sizeof err)) continue;
        bool de = l.op == NNB_OP_DECONV;
        int64_t vh = de ? brute(l.h, l.oh, l.kh, l.sh, l.pt, l.dh) : brute(l.oh, l.h, l.kh, l.sh, l.pt, l.dh);
        int64_t vw = de ? brute(l.w, l.ow, l.kw, l.sw, l.pl, l.dw) : brute(l.ow, l.w, l.kw, l.sw, l.pl, l.dw);
        CHECK_EQ_I64(a.macs_valid, vh * vw);
    }
    /* the fuzzer's hang: a 2^39-tap kernel over a padded 1-pixel input */
    clock_t t0 = clock();
    nnb_layer l = P("conv:c=1,h=1,w=1,k=1,kh=1,kw=549755813888,pt=0,pb=0,pl=274877906944,pr=274877906943");
    nnb_op_counts a;
    char err[256];
    CHECK(nnb_op_count(&l, &a, err, sizeof err) == 0);
    CHECK_EQ_I64(a.macs_valid, 1);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

int main(void)
{
    descriptors();
    batches();
    knob_classes();
    valid_taps();
    return nnb_test_done("test_benchdnn_batch");
}
