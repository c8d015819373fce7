/* The record writer: every JSON Lines record of a layer (the output
 * contract, DESIGN.md), used by the report and by --dump's layer.json. */
#include "results/record.h"

#include <inttypes.h>
#include <math.h>

#include "util/json.h"

const char *nnb_check_name(nnb_check c)
{
    return c == NNB_CHECK_PASS ? "pass" : c == NNB_CHECK_FAIL ? "fail" : "skip";
}

void nnb_json_layer_object(FILE *f, const nnb_layer_report *r)
{
    const nnb_layer *l = &r->layer;
    fputs("{\"name\":\"", f);
    nnb_json_escape(f, l->name);
    fputs("\",\"spec\":\"", f);
    nnb_json_escape(f, r->spec);
    fprintf(f, "\",\"benchdnn\":\"");
    nnb_json_escape(f, r->benchdnn);
    /* ph/pw are top/left (DESIGN.md); pt/pl/pb/pr name all four sides */
    fprintf(f,
            "\",\"op\":\"%s\",\"n\":%lld,\"c\":%lld,\"h\":%lld,\"w\":%lld,\"k\":%lld,\"kh\":%lld,\"kw\":%lld,"
            "\"sh\":%lld,\"sw\":%lld,\"ph\":%lld,\"pw\":%lld,\"pt\":%lld,\"pl\":%lld,\"pb\":%lld,\"pr\":%lld,"
            "\"dh\":%lld,\"dw\":%lld,\"groups\":%lld,\"oph\":%lld,\"opw\":%lld,\"oh\":%lld,\"ow\":%lld,"
            "\"bias\":%s,\"ceil_mode\":%s,\"count_include_pad\":%s}",
            nnb_op_name(l->op), (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w,
            (long long)l->k, (long long)l->kh, (long long)l->kw, (long long)l->sh, (long long)l->sw,
            (long long)l->pt, (long long)l->pl, (long long)l->pt, (long long)l->pl, (long long)l->pb,
            (long long)l->pr, (long long)l->dh, (long long)l->dw, (long long)l->groups, (long long)l->oph,
            (long long)l->opw, (long long)l->oh, (long long)l->ow, l->bias ? "true" : "false",
            l->ceil_mode ? "true" : "false", l->count_include_pad ? "true" : "false");
}

static void json_layer(FILE *f, const nnb_layer_report *r)
{
    fputs("\"layer\":", f);
    nnb_json_layer_object(f, r);
}

static void json_analytic(FILE *f, const nnb_layer_report *r)
{
    const nnb_analytic *a = &r->analytic;
    fprintf(f,
            "\"analytic\":{\"params\":%" PRId64 ",\"macs\":%" PRId64 ",\"flops\":%" PRId64 ",\"bytes_min\":%" PRId64
            ",\"ai\":",
            a->params, a->macs, a->flops, a->bytes_min);
    nnb_json_num(f, a->ai);
    fprintf(f,
            ",\"macs_valid\":%" PRId64 ",\"macs_deconv_output\":%" PRId64 ",\"bias_adds\":%" PRId64
            ",\"src_bytes\":%" PRId64 ",\"wei_bytes\":%" PRId64 ",\"bias_bytes\":%" PRId64 ",\"dst_bytes\":%" PRId64
            ",\"bytes_write_allocate\":%" PRId64 ",\"ai_write_allocate\":",
            a->macs_valid, a->macs_deconv_output, a->bias_adds, a->src_bytes, a->wei_bytes, a->bias_bytes,
            a->dst_bytes, a->bytes_write_allocate);
    nnb_json_num(f, a->ai_write_allocate);
    fprintf(f, ",\"workspace_bytes\":%" PRId64 ",\"bytes_algo_extra\":%" PRId64 ",\"footprint_mb\":{\"input\":",
            a->workspace_bytes, a->bytes_algo_extra);
    nnb_json_num(f, a->input_mb);
    fputs(",\"pass\":", f);
    nnb_json_num(f, a->pass_mb);
    fputs(",\"params\":", f);
    nnb_json_num(f, a->params_mb);
    fputs(",\"total\":", f);
    nnb_json_num(f, a->total_mb);
    fputs("},\"conventions\":{", f);
    size_t nc;
    const nnb_convention *cv = nnb_conventions(&nc);
    bool first = true;
    for (size_t i = 0; i < nc; i++) {
        double v = cv[i].flops(&r->layer, a);
        if (v < 0) continue;
        fprintf(f, "%s\"%s\":", first ? "" : ",", cv[i].name);
        nnb_json_num(f, v);
        first = false;
    }
    fputc('}', f);
    if (r->have_rf) {
        fprintf(f, ",\"receptive_field\":{\"rf_h\":%lld,\"rf_w\":%lld,\"jump_h\":%lld,\"jump_w\":%lld,\"start_h\":",
                (long long)r->rf.rf_h, (long long)r->rf.rf_w, (long long)r->rf.jump_h, (long long)r->rf.jump_w);
        nnb_json_num(f, r->rf.start_h);
        fputs(",\"start_w\":", f);
        nnb_json_num(f, r->rf.start_w);
        fputc('}', f);
    }
    fputc('}', f);
}

/* "work": the kernel's own model; "useful_fraction": analytic / executed.
 * A kernel without a model for this layer says why ("work":{"why":..}). */
static void json_work(FILE *f, const nnb_result *x)
{
    if (!x->have_work) {
        if (x->work_why[0]) {
            fputs(",\"work\":{\"why\":", f);
            nnb_json_str(f, x->work_why);
            fputc('}', f);
        }
        return;
    }
    fputs(",\"work\":{\"flops\":", f);
    nnb_json_num(f, x->work_flops);
    fputs(",\"bytes\":", f);
    nnb_json_num(f, x->work_bytes);
    fputs(",\"tolerance\":", f);
    nnb_json_num(f, x->work_tolerance);
    fputs(",\"why\":", f);
    nnb_json_str(f, x->work_why);
    fputs(",\"bytes_why\":", f);
    nnb_json_str(f, x->work_bytes_why);
    fputs("},\"useful_fraction\":", f);
    nnb_json_num(f, x->useful_fraction);
}

/* "verdicts": flops / bytes against the kernel's model (exact | explained |
 * unexplained, with why); flops_analytic and dram_bytes against the
 * analytic count (pass / fail, as before the work models) */
static void json_verdicts(FILE *f, const nnb_result *x)
{
    if (!x->verdict_flops[0] && !x->verdict_dram[0] && !x->verdict_work_flops[0] && !x->verdict_work_bytes[0])
        return;
    fputs(",\"verdicts\":{", f);
    const char *sep = "";
    if (x->verdict_work_flops[0]) {
        fprintf(f, "\"flops\":\"%s\",\"flops_why\":", x->verdict_work_flops);
        nnb_json_str(f, x->verdict_work_flops_why);
        fputs(",\"flops_tolerance\":", f);
        nnb_json_num(f, x->work_tolerance);
        sep = ",";
    }
    if (x->verdict_work_bytes[0]) {
        fprintf(f, "%s\"bytes\":\"%s\",\"bytes_why\":", sep, x->verdict_work_bytes);
        nnb_json_str(f, x->verdict_work_bytes_why);
        sep = ",";
    }
    if (x->verdict_flops[0]) {
        fprintf(f, "%s\"flops_analytic\":\"%s\",\"flops_analytic_tolerance\":", sep, x->verdict_flops);
        nnb_json_num(f, x->flops_tolerance);
        sep = ",";
    }
    if (x->verdict_dram[0]) fprintf(f, "%s\"dram_bytes\":\"%s\"", sep, x->verdict_dram);
    fputc('}', f);
}

/* valgrind's split of the per-level bytes: instruction fetches apart from
 * the data, and the data lines the runtime touched */
static void json_traffic(FILE *f, const nnb_result *x)
{
    if (x->have_ifetch) {
        fputs(",\"ifetch_l1_bytes\":", f); nnb_json_num(f, x->l1_ifetch_bytes);
        if (x->have_l2) { fputs(",\"ifetch_l2_bytes\":", f); nnb_json_num(f, x->l2_ifetch_bytes); }
        fputs(",\"ifetch_dram_bytes\":", f); nnb_json_num(f, x->dram_ifetch_bytes);
    }
    if (x->have_runtime) {
        fputs(",\"runtime_dram_bytes\":", f); nnb_json_num(f, x->dram_runtime_bytes);
        fputs(",\"runtime_why\":", f); nnb_json_str(f, x->runtime_why);
        fputs(",\"unaligned_dram_bytes\":", f); nnb_json_num(f, x->dram_unaligned_bytes);
        fputs(",\"writeback_dram_bytes\":", f); nnb_json_num(f, x->dram_writeback_bytes);
    }
}

/* The time object's spread, samples and the watch's verdict (issue 24). */
static void json_spread(FILE *f, const nnb_timing *t)
{
    fputs(",\"p25_s\":", f);
    nnb_json_num(f, t->p25_s);
    fputs(",\"p75_s\":", f);
    nnb_json_num(f, t->p75_s);
    fputs(",\"cv\":", f);
    nnb_json_num(f, t->cv);
    fputs(",\"samples_s\":[", f);
    for (int i = 0; i < t->nsamples; i++) {
        if (i) fputc(',', f);
        nnb_json_num(f, t->samples_s[i]);
    }
    fprintf(f, "],\"attempts\":%d,\"disturbed\":%s", t->attempts, t->disturbed ? "true" : "false");
    if (t->disturbed) {
        fputs(",\"disturbed_why\":", f);
        nnb_json_str(f, t->disturbed_why);
    }
    if (t->attempts > 1) {
        fputs(",\"remeasured_why\":", f);
        nnb_json_str(f, t->remeasured_why);
    }
    const nnb_watch_result *w = &t->watch;
    if (!w->have) return;
    fprintf(f, ",\"watch\":{\"cpus\":%d,\"other_cpu\":", w->cpus);
    nnb_json_num(f, w->other_cpu_frac);
    fputs(",\"steal\":", f);
    nnb_json_num(f, w->steal_frac);
    fputs(",\"ivcsw_per_s\":", f);
    nnb_json_num(f, w->ivcsw_per_s);
    fputs(",\"load1\":", f);
    nnb_json_num(f, w->load1);
    fprintf(f, ",\"runnable\":%d", w->runnable);
    if (w->speed_probe > 0) {
        fputs(",\"speed_probe\":", f);
        nnb_json_num(f, w->speed_probe);
    }
    fputc('}', f);
}

static void json_result(FILE *f, const nnb_layer_report *r, const nnb_result *x)
{
    const nnb_analytic *a = &r->analytic;
    fprintf(f, ",\"kernel\":\"%s\",\"threads\":%d,", x->kernel, x->threads);
    if (x->impl[0]) {
        fputs("\"impl\":", f);
        nnb_json_str(f, x->impl);
        fputc(',', f);
    }
    fputs("\"openblas\":{\"core\":", f);
    nnb_json_str(f, x->blas_core);
    fputs(",\"config\":", f);
    nnb_json_str(f, x->blas_config);
    if (x->blas_remedy[0]) {
        fputs(",\"remedy\":", f);
        nnb_json_str(f, x->blas_remedy);
    }
    fputs("},\"cores\":\"", f);
    nnb_json_escape(f, x->cores);
    fputs("\",\"time\":{\"median_s\":", f);
    nnb_json_num(f, x->time.median_s);
    fputs(",\"min_s\":", f);
    nnb_json_num(f, x->time.min_s);
    fputs(",\"max_s\":", f);
    nnb_json_num(f, x->time.max_s);
    fprintf(f, ",\"reps\":%d", x->time.reps);
    json_spread(f, &x->time);
    if (x->prepare_s >= 0) {
        fputs(",\"prepare_s\":", f);
        nnb_json_num(f, x->prepare_s);
        fprintf(f, ",\"prepare_timed\":%s", x->prepare_timed ? "true" : "false");
    }
    fputs("},\"gflops\":", f);
    nnb_json_num(f, x->gflops);
    if (x->gflops_executed > 0) {
        fputs(",\"gflops_executed\":", f);
        nnb_json_num(f, x->gflops_executed);
    }
    fputs(",\"gbs\":", f);
    nnb_json_num(f, x->gbs);
    fprintf(f, ",\"check\":\"%s\",\"max_err\":", nnb_check_name(x->check));
    nnb_json_num(f, x->max_err);
    fprintf(f, ",\"workspace_bytes\":%" PRId64, x->workspace_bytes);
    fprintf(f, ",\"counters\":{\"backend\":\"%s\",\"why\":\"", x->backend);
    nnb_json_escape(f, x->backend_why);
    fputc('"', f);
    if (x->have_flops) { fputs(",\"flops\":", f); nnb_json_num(f, x->flops); }
    if (x->have_dram) { fputs(",\"dram_bytes\":", f); nnb_json_num(f, x->dram_bytes); }
    if (x->have_l1) { fputs(",\"l1_bytes\":", f); nnb_json_num(f, x->l1_bytes); }
    if (x->have_l2) { fputs(",\"l2_bytes\":", f); nnb_json_num(f, x->l2_bytes); }
    json_traffic(f, x);
    if (x->have_core_bytes) {
        fputs(",\"load_bytes\":", f); nnb_json_num(f, x->load_bytes);
        fputs(",\"store_bytes\":", f); nnb_json_num(f, x->store_bytes);
    }
    if (x->have_insn) { fputs(",\"instructions\":", f); nnb_json_num(f, x->instructions); }
    if (x->counted_unix > 0)
        fprintf(f, ",\"counted_unix\":%lld,\"reused\":%s", x->counted_unix, x->count_reused ? "true" : "false");
    if (x->count_note[0]) { fputs(",\"note\":\"", f); nnb_json_escape(f, x->count_note); fputc('"', f); }
    fputs("},\"ratios\":{", f);
    bool first = true;
    if (x->have_flops && a->flops > 0) {
        fputs("\"flops\":", f);
        nnb_json_num(f, x->flops / (double)a->flops);
        first = false;
    }
    if (x->have_dram && a->bytes_min > 0) {
        fprintf(f, "%s\"dram_bytes\":", first ? "" : ",");
        nnb_json_num(f, x->dram_bytes / (double)a->bytes_min);
        first = false;
    }
    if (x->have_flops && x->have_dram && x->dram_bytes > 0) {
        fprintf(f, "%s\"ai_measured\":", first ? "" : ",");
        nnb_json_num(f, x->flops / x->dram_bytes);
    }
    fputc('}', f);
    json_work(f, x);
    json_verdicts(f, x);
    if (x->have_roof) {
        fputs(",\"roofline\":{\"peak_gflops\":", f);
        nnb_json_num(f, x->peak_gflops);
        fputs(",\"bw_gbs\":", f);
        nnb_json_num(f, x->bw_gbs);
        fprintf(f, ",\"bound\":\"%s\",\"attainable_gflops\":", x->bound);
        nnb_json_num(f, x->attainable_gflops);
        fputs(",\"efficiency\":", f);
        nnb_json_num(f, x->efficiency);
        if (x->roof_basis[0]) {
            fprintf(f, ",\"basis\":\"%s\",\"ai\":", x->roof_basis);
            nnb_json_num(f, x->roof_ai);
            fprintf(f, ",\"above_roof\":%s", x->roof_above ? "true" : "false");
        }
        fputc('}', f);
    }
}

void nnb_record_json_line(FILE *f, const nnb_layer_report *r, const nnb_result *x)
{
    fputs("{\"schema\":\"nnbench/1\",", f);
    if (r->in_net) {
        fprintf(f, "\"index\":%lld,\"module\":", (long long)r->index);
        nnb_json_str(f, r->module);
        fprintf(f, ",\"repeat\":%lld,", (long long)r->repeat);
    }
    json_layer(f, r);
    fputc(',', f);
    json_analytic(f, r);
    if (x) json_result(f, r, x);
    fputs("}\n", f);
}
