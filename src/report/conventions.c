#include "report/conventions.h"
#include "report/report.h"

#include <math.h>
#include <string.h>

void nnb_report_conventions(FILE *f, const nnb_layer_report *r)
{
    size_t n;
    const nnb_convention *cv = nnb_conventions(&n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cv[i].name, "nnbench") == 0) continue;
        double v = cv[i].flops(&r->layer, &r->analytic);
        if (v < 0) continue;
        char num[48];
        if (v == floor(v) && v < 9.2e18) nnb_fmt_count((int64_t)v, num, sizeof num);
        else snprintf(num, sizeof num, "%.2f", v);
        fprintf(f, "%-9s %-25s %14s  %s\n", first ? "tools" : "", cv[i].models, num, cv[i].what);
        first = false;
    }
}
