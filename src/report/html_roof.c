/* The HTML page's roofline (html.h): the run's points drawn by the
 * roofline module as inline SVG, each point linked to its table row; on the
 * compare page B's layers with an arrow from where A had them. */
#include "report/html.h"

#include <stdlib.h>
#include <string.h>

#include "report/stored.h"

static void no_roofline(FILE *f)
{
    fputs("<h2>Roofline</h2>\n<p>No roofline: the results file holds no ceilings (a run with --no-roofline or "
          "--analytic).</p>\n",
          f);
}

void nnb_html_roofline(FILE *f, const nnb_html_run *r, const nnb_roof_plot_opts *po)
{
    if (!r->have_ceil) {
        no_roofline(f);
        return;
    }
    nnb_roof_plot_opts o = po ? *po : (nnb_roof_plot_opts){0};
    o.inline_svg = true;
    o.title = r->network ? "Roofline: one point per layer (hover for the numbers, click for the row)"
                         : "Roofline: the layer's kernels (hover for the numbers, click for the row)";
    fputs("<h2>Roofline</h2>\n", f);
    nnb_roofline_svg_write_opts(f, &r->ceil, r->pts.v, r->pts.n, &o);
}

void nnb_html_compare_roofline(FILE *f, const nnb_html_run *a, const nnb_html_run *b, const int *pair_of_b,
                               const nnb_change *verdict)
{
    const nnb_html_run *c = b->have_ceil ? b : a;
    if (!c->have_ceil) {
        no_roofline(f);
        return;
    }
    nnb_roof_point *v = malloc((b->pts.n ? b->pts.n : 1) * sizeof *v);
    if (!v) return;
    memcpy(v, b->pts.v, b->pts.n * sizeof *v);
    /* by nnb_change_kind: none, slower, faster, undecided */
    static const char *const col[4] = {"#7f7f7f", "#d62728", "#2ca02c", "#ff7f0e"};
    static const char *const name[4] = {"within the noise", "slower", "faster", "undecided (disturbed)"};
    for (size_t j = 0; j < b->pts.n; j++) {
        int i = pair_of_b[j];
        if (i < 0) {
            v[j].group = "only in B";
            continue;
        }
        nnb_change_kind d = verdict[i].kind;
        v[j].ai_from = a->pts.v[i].ai;
        v[j].gflops_from = a->pts.v[i].gflops;
        v[j].color = col[d];
        v[j].group = name[d];
    }
    nnb_roof_plot_opts o = {.inline_svg = true,
                            .title = "Roofline: each layer from A (hollow) to B, coloured by the change"};
    fputs("<h2>Roofline</h2>\n", f);
    nnb_roofline_svg_write_opts(f, &c->ceil, v, b->pts.n, &o);
    free(v);
}
