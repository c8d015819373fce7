/* Descriptor parsing: benchdnn derivation rules, key=value strictness,
 * round trips, batch files, and one clear error for every bad input. */
#include <stdlib.h>
#include <unistd.h>

#include "nnb_test.h"
#include "spec/spec.h"

static nnb_layer P(const char *s)
{
    nnb_layer l;
    char err[512];
    memset(&l, 0, sizeof l);
    if (nnb_spec_parse(s, &l, err, sizeof err)) {
        fprintf(stderr, "unexpected parse failure: %s: %s\n", s, err);
        nnb_test_failures++;
    }
    return l;
}

static void bad(const char *s, const char *needle)
{
    nnb_layer l;
    char err[512] = "";
    nnb_test_checks++;
    if (nnb_spec_parse(s, &l, err, sizeof err) == 0) {
        fprintf(stderr, "accepted bad descriptor: %s\n", s);
        nnb_test_failures++;
    } else if (!strstr(err, needle) || strchr(err, '\n')) {
        fprintf(stderr, "bad descriptor %s: message '%s' lacks '%s'\n", s, err, needle);
        nnb_test_failures++;
    }
}

static int count_cb(const nnb_layer *l, const char *line, void *ctx)
{
    (void)l;
    (void)line;
    (*(int *)ctx)++;
    return 0;
}

/* nnb_spec_read_batch with count_cb and no skip callback */
static int read_batch(const char *path, int *count, char *err, size_t len)
{
    nnb_batch_sink sink = {.layer = count_cb, .layer_ctx = count};
    return nnb_spec_read_batch(path, NULL, &sink, err, len);
}

static int same_layer(const nnb_layer *a, const nnb_layer *b)
{
    return a->op == b->op && a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w && a->k == b->k &&
           a->kh == b->kh && a->kw == b->kw && a->sh == b->sh && a->sw == b->sw && a->pt == b->pt &&
           a->pl == b->pl && a->pb == b->pb && a->pr == b->pr && a->dh == b->dh && a->dw == b->dw &&
           a->groups == b->groups && a->oph == b->oph && a->opw == b->opw && a->oh == b->oh && a->ow == b->ow &&
           a->bias == b->bias && a->ceil_mode == b->ceil_mode && a->count_include_pad == b->count_include_pad;
}

/* The same computation: every field but the far-side padding equal, and the
 * far padding that matters equal (conv: the one the last window reaches,
 * fixed by oh/ow; deconv: far padding less output padding). */
static int same_computation(const nnb_layer *a, const nnb_layer *b)
{
    nnb_layer x = *a, y = *b;
    if (a->op == NNB_OP_DECONV) {
        x.pb -= x.oph, x.pr -= x.opw, y.pb -= y.oph, y.pr -= y.opw;
        x.oph = x.opw = y.oph = y.opw = 0;
    }
    if (a->op == NNB_OP_CONV) x.pb = y.pb, x.pr = y.pr; /* oh/ow equal: the same rows read */
    return same_layer(&x, &y);
}

/* benchdnn fields: names, w promoted from h, groups, underscores */
static void test_benchdnn_fields(void)
{
    /* benchdnn: ResNet-50 res2a_branch2b, w promoted from h, name parsed */
    nnb_layer l = P("mb1ic64ih56oc64oh56kh3ph1n\"resnet_50:res2a_branch2b\"");
    CHECK_EQ_I64(l.n, 1);
    CHECK_EQ_I64(l.c, 64);
    CHECK_EQ_I64(l.w, 56);
    CHECK_EQ_I64(l.kw, 3);
    CHECK_EQ_I64(l.pl, 1);
    CHECK_EQ_I64(l.pb, 1);
    CHECK_EQ_I64(l.ow, 56);
    CHECK_STR(l.name, "resnet_50:res2a_branch2b");
    /* groups and underscores */
    l = P("g32mb1_ic32ih112iw112_oc32oh112ow112_kh3kw3_sh1sw1_ph1pw1n\"mobilenet:conv2_1/dw\"");
    CHECK_EQ_I64(l.groups, 32);
    CHECK_STR(l.name, "mobilenet:conv2_1/dw");
}

/* benchdnn defaults and derivation: mb 2, bias, output from padding and back, dilation */
static void test_benchdnn_derivation(void)
{
    nnb_layer l;
    /* benchdnn defaults: mb 2, bias (FWD_B) on */
    l = P("ic3ih224oc64oh112kh7sh2ph3");
    CHECK_EQ_I64(l.n, 2);
    CHECK(l.bias);
    CHECK_EQ_I64(l.pb, 2); /* benchdnn's init_pad_r: (112 - 1) * 2 - 224 + 7 - 3 */
    /* missing output derived from padding; missing padding from output */
    CHECK_EQ_I64(P("ic16ih28oc32kh5ph2").oh, 28);
    CHECK_EQ_I64(P("ic16ih28oc32oh28kh5").pt, 2);
    CHECK_EQ_I64(P("ic16ih28oc32kh5").oh, 24); /* no padding given: 0 */
    /* zero-based dilation: dh1 = one gap = PyTorch dilation 2 */
    l = P("ic64ih56oc64oh56kh3ph2dh1");
    CHECK_EQ_I64(l.dh, 2);
    CHECK_EQ_I64(l.dw, 2);
    CHECK_EQ_I64(P("ic64ih56oc64kh3ph1dh0").dh, 1);
    /* stride-2 1x1 with oh given: the unused last row is not negative padding */
    l = P("g1mb50ic256ih56iw56oc512oh28ow28kh1kw1sh2sw2ph0pw0");
    CHECK_EQ_I64(l.oh, 28);
    CHECK_EQ_I64(l.pb, 0);
    CHECK_EQ_I64(l.n, 50);
}

/* benchdnn deconv: output size, padding and output padding derived */
static void test_deconv_derivation(void)
{
    nnb_layer l;
    /* deconv: input 28 -> output 56 */
    l = P("deconv:mb1ic64ih28oc32oh56kh4sh2ph1");
    CHECK(l.op == NNB_OP_DECONV);
    CHECK_EQ_I64(l.h, 28);
    CHECK_EQ_I64(l.oh, 56);
    CHECK_EQ_I64(l.pb, 1);
    CHECK_EQ_I64(l.oph, 0);
    CHECK_EQ_I64(P("deconv:mb1ic64ih28oc32kh4sh2ph1").oh, 56);
    /* deconv whose far-side padding is -1 (benchdnn: 4 * 3 - 15 + 3 - 1): output padding 1 */
    l = P("deconv:mb1ic8ih5oc4oh15kh3sh3ph1");
    CHECK_EQ_I64(l.oph, 1);
    CHECK_EQ_I64(l.pb, 0);
    CHECK_EQ_I64(l.oh, 15);
}

/* key=value: every key, asymmetric padding, PyTorch pooling defaults */
static void test_kv_syntax(void)
{
    nnb_layer l;
    /* key=value */
    l = P("conv:c=64,h=56,k=64,r=3,pad=1,stride=1,dil=1,g=1,bias=1");
    CHECK(same_layer(&l, &(nnb_layer){0}) == 0);
    CHECK_EQ_I64(l.oh, 56);
    l = P("conv:n=3,c=6,h=9,w=11,k=4,kh=3,kw=1,sh=2,sw=1,pt=1,pb=0,pl=0,pr=2,dh=2,g=2,bias=0");
    CHECK_EQ_I64(l.n, 3);
    CHECK_EQ_I64(l.w, 11);
    CHECK_EQ_I64(l.kw, 1);
    CHECK_EQ_I64(l.oh, (9 + 1 + 0 - 5) / 2 + 1);
    CHECK_EQ_I64(l.ow, (11 + 0 + 2 - 1) / 1 + 1);
    CHECK(!l.bias);
    l = P("deconv:c=6,h=5,k=4,r=3,stride=3,pad=1,outpad=2");
    CHECK_EQ_I64(l.oh, (5 - 1) * 3 - 2 + 3 + 2);
    l = P("maxpool:c=4,h=9,r=3"); /* stride defaults to the window, as in PyTorch */
    CHECK_EQ_I64(l.sh, 3);
    CHECK_EQ_I64(l.oh, 3);
}

/* presets: the required ones exist and parse under their own name */
static void test_presets(void)
{
    size_t np;
    (void)nnb_presets(&np);
    CHECK(np >= 10);
    const char *required[] = {"conv3x3", "conv1x1", "conv7x7s2", "conv5x5", "dilated3x3", "dwconv3x3",
                              "groupconv3x3", "deconv4x4s2", "fc", "maxpool3x3s2"};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        nnb_layer a = P(required[i]);
        CHECK_STR(a.name, required[i]);
    }
}

/* formatting round trips: kv for every layer, benchdnn for conv and deconv */
static void test_round_trips(void)
{
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    const char *extra[] = {"conv:c=6,h=9,w=11,k=4,kh=3,kw=1,sh=2,sw=1,pt=1,pb=0,pl=0,pr=2,dh=2,g=2,bias=0",
                           "deconv:n=2,c=6,h=5,k=4,r=3,stride=3,pad=1,outpad=2,g=2",
                           "avgpool:c=3,h=7,r=3,stride=2,pad=1,ceil=1,include_pad=0",
                           "lstm:n=2,c=10,k=20,h=7", "embed:c=100,k=8,h=5", "bn:c=3,h=4,w=5", "fc:c=8,h=2,w=3,k=5"};
    for (size_t i = 0; i < np + sizeof extra / sizeof *extra; i++) {
        const char *s = i < np ? ps[i].spec : extra[i - np];
        nnb_layer a = P(s), b;
        char buf[512], err[512];
        CHECK(nnb_spec_format_kv(&a, buf, sizeof buf) == 0);
        nnb_test_checks++;
        if (nnb_spec_parse(buf, &b, err, sizeof err) || !same_layer(&a, &b)) {
            fprintf(stderr, "kv round trip failed: %s -> %s (%s)\n", s, buf, err);
            nnb_test_failures++;
        }
        if (a.op == NNB_OP_CONV || a.op == NNB_OP_DECONV) {
            CHECK(nnb_spec_format_benchdnn(&a, buf, sizeof buf) == 0);
            nnb_test_checks++;
            if (nnb_spec_parse(buf, &b, err, sizeof err) || (b.bias = a.bias, !same_computation(&a, &b))) {
                fprintf(stderr, "benchdnn round trip failed: %s -> %s (%s)\n", s, buf, err);
                nnb_test_failures++;
            }
        }
    }
}

/* bad key=value input: one line that says what is wrong */
static void test_kv_errors(void)
{
    /* bad input: one line, says what is wrong */
    bad("", "empty");
    bad("conv3x4", "unknown layer");
    bad("conv:c=0,h=5,k=3,r=3", "positive");
    bad("conv:c=-3,h=5,k=3,r=3", "positive");
    bad("conv:c=3,h=5,k=3,r=3,r=3", "repeats");
    bad("conv:c=3,h=5,k=3,r=3,kh=3", "conflicts");
    bad("conv:c=3,h=5,k=3,r=3,foo=1", "unknown key");
    bad("conv:c=x,h=5,k=3,r=3", "integer");
    bad("conv:c=3,h=5,k=3,r=3,", "trailing");
    bad("conv:c=3,h=5,k=3,r=3,bias=2", "0 or 1");
    bad("conv:c=3,h=2,k=3,r=5", "no output");
    bad("conv:c=3,h=5,k=3", "kernel size");
    bad("conv:h=5,k=3,r=3", "c= is required");
    bad("conv:c=6,h=5,k=4,r=3,g=4", "divisible");
    bad("conv:c=3,h=5,k=3,r=3,stride=0", "stride");
    bad("conv:c=3,h=5,k=3,r=3,dil=0", "dilation");
    bad("conv:c=3,h=5,k=3,r=3,pad=-1", "padding");
    bad("conv:c=3,h=5,k=3,r=3,outpad=1", "output padding");
    bad("conv:c=99999999999999999999,h=5,k=3,r=3", "integer");
    bad("conv:c=1099511627777,h=5,k=3,r=3", "2^40");
    bad("conv:n=100000,c=100000,h=100000,k=100000,r=3,pad=1", "overflow");
    bad("deconv:c=6,h=5,k=4,r=3,stride=2,outpad=2", "output padding");
    bad("deconv:c=6,h=2,k=4,r=1,pad=3", "no output");
    bad("maxpool:c=4,h=9,r=3,pad=2", "half");
    bad("maxpool:c=4,h=9,r=3,bias=1", "no bias");
    bad("fc:c=4,k=3,r=3", "no kernel");
    bad("fc:c=4", "k= is required");
    bad("foo:c=1", "unknown op");
    bad("c=3,h=5", "op prefix");
}

/* bad benchdnn input, and the far padding benchdnn may derive */
static void test_benchdnn_errors(void)
{
    bad("mb1ic64", "oc not specified");
    bad("mb1ic64ih56oc64kh3xx5", "unrecognized");
    nnb_layer l = P("mb1ic64ih56oc64kh3ih5"); /* benchdnn: a repeated field keeps its last value */
    CHECK_EQ_I64(l.h, 5);
    CHECK_EQ_I64(l.oh, 3);
    bad("mb1ic64id5ih56oc64kh3", "kd not specified");
    bad("mb1ic64id5ih56iw56oc64kd3kh3kw3", "3-D convolution is not supported");
    bad("mb1ic64ih56oc64oh50kh3ph1", "negative far-side padding -5");
    CHECK_EQ_I64(P("mb1ic64ih56oc64oh57kh3ph1").pb, 2); /* benchdnn derives the far padding */
    bad("mb0ic64ih56oc64kh3", "positive");
    bad("ic64ih56oc64kh99", "oh deduced <= 0");
}

/* benchdnn batch files shipped with the bench suites */
static void test_batch_suites(void)
{
    char path[4096], err[512];
    const char *src = getenv("NNB_SOURCE_DIR");
    int count = 0;
    snprintf(path, sizeof path, "%s/bench/suites/shapes_resnet_50.txt", src ? src : ".");
    CHECK(read_batch(path, &count, err, sizeof err) == 0);
    CHECK_EQ_I64(count, 20);
    count = 0;
    snprintf(path, sizeof path, "%s/bench/suites/shapes_mobilenet_dw.txt", src ? src : ".");
    CHECK(read_batch(path, &count, err, sizeof err) == 0);
    CHECK_EQ_I64(count, 9);
}

/* batch knobs (--deconv, --mb), comments, and the errors a batch file can have */
static void test_batch_knobs_and_errors(void)
{
    char err[512];
    int count = 0;
    /* knobs: --deconv switches the driver, --mb overrides the batch */
    char tmpl[] = "/tmp/nnb_batch_XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\n--mb=4 mb1ic8ih6oc4kh3ph1  # trailing comment\n\n--deconv ic8ih6oc4kh4sh2ph1\n", f);
    fclose(f);
    count = 0;
    CHECK(read_batch(tmpl, &count, err, sizeof err) == 0);
    CHECK_EQ_I64(count, 2);
    f = fopen(tmpl, "w");
    fputs("mb1ic8ih6oc4kh3ph1\nmb1ic8ih6oc4kh3ph1zz\n", f);
    fclose(f);
    count = 0;
    CHECK(read_batch(tmpl, &count, err, sizeof err) == -1);
    CHECK(strstr(err, ":2:") != NULL);
    f = fopen(tmpl, "w");
    fputs("# nothing\n", f);
    fclose(f);
    CHECK(read_batch(tmpl, &count, err, sizeof err) == -1);
    unlink(tmpl);
    CHECK(read_batch("/nonexistent/batch", &count, err, sizeof err) == -1);
}

/* xorshift64: the fixed pseudo-random sequence the robustness case replays */
static uint64_t xorshift64(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static const char fuzz_alphabet[] = "convdecfmaxpolgbinstkhwrd=:,_-\"0123456789mbicohswsamevalidgnxyz ";

/* Case i of the robustness run into buf (at least 96 bytes): odd cases are
 * random strings over the descriptor alphabet, even ones a valid seed with
 * three characters flipped, deleted or duplicated. */
static void fuzz_descriptor(int i, uint64_t *x, char *buf, size_t cap)
{
    static const char *const seeds[] = {"conv:c=64,h=56,k=64,r=3,pad=1", "mb1ic64ih56oc64oh56kh3ph1n\"x\"",
                                        "deconv:mb1ic8ih5oc4oh15kh3sh3ph1", "maxpool:c=3,h=7,r=3,stride=2,ceil=1",
                                        "g32mb1ic32ih112oc32oh56kh3sh2ph1dh1"};
    const size_t nalpha = sizeof fuzz_alphabet - 1;
    size_t n;
    xorshift64(x);
    if (i % 2) {
        n = (size_t)(*x % 60);
        for (size_t j = 0; j < n; j++) buf[j] = fuzz_alphabet[xorshift64(x) % nalpha];
    } else {
        const char *sd = seeds[*x % 5];
        n = strlen(sd);
        memcpy(buf, sd, n);
        for (int m = 0; m < 3; m++) { /* flip, delete or duplicate a character */
            xorshift64(x);
            size_t at = (size_t)(*x % (n ? n : 1));
            if (*x & 0x100 && n) buf[at] = fuzz_alphabet[(*x >> 12) % nalpha];
            else if (*x & 0x200 && n) { memmove(buf + at, buf + at + 1, n - at - 1); n--; }
            else if (n + 1 < cap) { memmove(buf + at + 1, buf + at, n - at); n++; }
        }
    }
    buf[n] = 0;
}

/* robustness: random strings over the descriptor alphabet, and mutations
 * of valid descriptors, either parse to a finalized layer or fail with one
 * non-empty line; never crash (run under ASan/UBSan in CI) */
static void test_robustness(void)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[96];
        fuzz_descriptor(i, &x, buf, sizeof buf);
        nnb_layer f;
        char err[512] = "";
        int r = nnb_spec_parse(buf, &f, err, sizeof err);
        if (r == 0) {
            accepted++;
            nnb_test_checks++;
            if (f.oh <= 0 || f.ow <= 0 || f.n <= 0 || f.c <= 0) {
                fprintf(stderr, "accepted '%s' with an empty shape\n", buf);
                nnb_test_failures++;
            }
        } else {
            nnb_test_checks++;
            if ((r != -1 && r != NNB_SPEC_UNSUPPORTED) || !err[0] || strchr(err, '\n')) {
                fprintf(stderr, "'%s': rc %d, message '%s'\n", buf, r, err);
                nnb_test_failures++;
            }
        }
    }
    printf("robustness: %d of 20000 random descriptors accepted\n", accepted);
}

int main(void)
{
    NNB_RUN(test_benchdnn_fields);
    NNB_RUN(test_benchdnn_derivation);
    NNB_RUN(test_deconv_derivation);
    NNB_RUN(test_kv_syntax);
    NNB_RUN(test_presets);
    NNB_RUN(test_round_trips);
    NNB_RUN(test_kv_errors);
    NNB_RUN(test_benchdnn_errors);
    NNB_RUN(test_batch_suites);
    NNB_RUN(test_batch_knobs_and_errors);
    NNB_RUN(test_robustness);
    return nnb_test_done("test_spec");
}
