/* Placement of a kernel on the roofline (see place.h). */
#include "roofline/place.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double nnb_ceil_peak(const nnb_ceilings *c)
{
    double best = 0;
    for (int i = 0; i < NNB_ISA_COUNT; i++)
        if (c->peak[i].sp_fma > best) best = c->peak[i].sp_fma;
    return best;
}

double nnb_ceil_bw(const nnb_ceilings *c, nnb_level l)
{
    if ((unsigned)l >= NNB_LVL_COUNT) return 0;
    double r = c->bw[l].read_gbs, t = c->bw[l].triad_gbs;
    return r > t ? r : t;
}

nnb_level nnb_ceil_level_for(const nnb_ceilings *c, int64_t ws_bytes)
{
    if (ws_bytes <= 0) return NNB_LVL_DRAM;
    for (int l = 0; l < NNB_LVL_DRAM; l++)
        if (c->cap_bytes[l] > 0 && ws_bytes <= c->cap_bytes[l] && nnb_ceil_bw(c, (nnb_level)l) > 0)
            return (nnb_level)l;
    return NNB_LVL_DRAM;
}

int nnb_roofline_place_ws(const nnb_ceilings *c, double ai, double gflops, int64_t ws_bytes,
                          nnb_roof_place *out)
{
    if (!c || !out || !(ai > 0) || !isfinite(ai) || !isfinite(gflops)) return -1;
    double peak = nnb_ceil_peak(c);
    nnb_level l = nnb_ceil_level_for(c, ws_bytes);
    double bw = nnb_ceil_bw(c, l);
    if (!(peak > 0) || !(bw > 0)) return -1;
    memset(out, 0, sizeof *out);
    out->level = l;
    out->peak_gflops = peak;
    out->bw_gbs = bw;
    out->ridge_ai = peak / bw;
    double mem = ai * bw;
    if (mem < peak) {
        out->attainable_gflops = mem;
        snprintf(out->bound, sizeof out->bound, "memory:%s", nnb_level_name(l));
    } else {
        out->attainable_gflops = peak;
        snprintf(out->bound, sizeof out->bound, "compute");
    }
    out->efficiency = gflops > 0 ? gflops / out->attainable_gflops : 0;
    return 0;
}

int nnb_roofline_place(const nnb_ceilings *c, double ai, double gflops, nnb_roof_place *out)
{
    return nnb_roofline_place_ws(c, ai, gflops, 0, out);
}
