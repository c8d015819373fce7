/* Typo suggestions (suggest.h). */
#include "util/suggest.h"

#include <stdio.h>
#include <string.h>

static size_t min3(size_t a, size_t b, size_t c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

size_t nnb_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > NNB_SUGGEST_MAX_LEN || m > NNB_SUGGEST_MAX_LEN) return (size_t)-1;
    size_t d[NNB_SUGGEST_MAX_LEN + 1][NNB_SUGGEST_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[n][m];
}

const char *nnb_suggest(const char *word, const void *cands, size_t n, size_t stride)
{
    size_t wl = strlen(word), limit = wl >= 6 ? 2 : 1, best_d = (size_t)-1;
    const char *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *c = *(const char *const *)((const char *)cands + i * stride);
        if (!c || !strcmp(c, word)) continue;
        size_t d = nnb_edit_distance(word, c);
        if (d < best_d) best_d = d, best = c;
    }
    return best && best_d <= limit && best_d < wl ? best : NULL;
}

const char *nnb_suggest_text(char *buf, size_t len, const char *word, const char *prefix, const void *cands, size_t n,
                             size_t stride)
{
    const char *s = nnb_suggest(word, cands, n, stride);
    if (s) snprintf(buf, len, "; did you mean '%s%s'?", prefix, s);
    else if (len) buf[0] = '\0';
    return buf;
}
