/* The result record and its one JSON writer: the report's JSON lines and
 * --dump's layer.json come from the same code; the dump leaves no
 * temporary files behind. */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "nnb_test.h"
#include "harness/harness.h"
#include "results/record.h"
#include "spec/spec.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count_entries(const char *dir, const char *containing)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && strstr(e->d_name, containing)) n++;
    closedir(d);
    return n;
}

int main(void)
{
    CHECK_STR(nnb_check_name(NNB_CHECK_PASS), "pass");
    CHECK_STR(nnb_check_name(NNB_CHECK_FAIL), "fail");
    CHECK_STR(nnb_check_name(NNB_CHECK_SKIP), "skip");

    nnb_layer l;
    char err[512];
    CHECK(nnb_spec_parse("conv:c=3,h=6,k=2,r=3,pad=1", &l, err, sizeof err) == 0);
    nnb_layer_report rep;
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);

    /* the layer object and a record line built around it */
    char *obj = NULL, *line = NULL;
    size_t objn = 0, linen = 0;
    FILE *f = open_memstream(&obj, &objn);
    nnb_json_layer_object(f, &rep);
    fclose(f);
    f = open_memstream(&line, &linen);
    nnb_record_json_line(f, &rep, NULL);
    fclose(f);
    CHECK(obj && obj[0] == '{' && strstr(obj, "\"op\":\"conv\"") != NULL);
    CHECK(line && strncmp(line, "{\"schema\":\"nnbench/1\",\"layer\":", 30) == 0);
    CHECK(line && strstr(line, obj) == line + 30);
    CHECK(line && strstr(line, ",\"analytic\":{\"params\":") != NULL);
    CHECK(line && linen > 2 && strcmp(line + linen - 2, "}\n") == 0);

    /* --dump: layer.json is that object, written whole */
    char dir[] = "/tmp/nnb_record_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    nnb_run_opts o;
    nnb_run_opts_defaults(&o);
    o.measure.min_reps = 1;
    o.measure.min_time_s = 0;
    o.dump_dir = dir;
    const nnb_kernel *ks[] = {nnb_kernel_find("reference"), nnb_kernel_find("im2col_gemm")};
    CHECK_EQ_I64(nnb_run_kernels(&o, &rep, ks, 2, NULL, NULL, err, sizeof err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/layer.json", dir);
    char *dumped = slurp(path);
    CHECK(dumped && obj && strncmp(dumped, obj, objn) == 0 && strcmp(dumped + objn, "\n") == 0);
    CHECK_EQ_I64(count_entries(dir, ".npy"), 5); /* src, wei, bias, two outputs */
    CHECK_EQ_I64(count_entries(dir, "tmp"), 0);
    /* the reference's own output is dumped wherever it stands in the list */
    const nnb_kernel *rev[] = {nnb_kernel_find("im2col_gemm"), nnb_kernel_find("reference")};
    nnb_layer_report_free(&rep);
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    CHECK_EQ_I64(nnb_run_kernels(&o, &rep, rev, 2, NULL, NULL, err, sizeof err), 0);
    CHECK_NEAR(rep.results[1].max_err, 0, 0);

    const char *names[] = {"layer.json", "src.npy", "wei.npy", "bias.npy", "dst_reference.npy",
                           "dst_im2col_gemm.npy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    free(obj);
    free(line);
    nnb_layer_report_free(&rep);
    return nnb_test_done("test_record");
}
