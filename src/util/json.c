#include "util/json.h"

#include <math.h>
#include <stdlib.h>

#include "util/util.h"

void nnb_json_escape(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = nnb_utf8_len(p);
        if (n == 0) { /* JSON text is UTF-8: an invalid byte becomes '?' */
            fputc('?', f);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
            else if (*p == '\n') fputs("\\n", f);
            else if (*p == '\t') fputs("\\t", f);
            else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
            p++;
        }
    }
}

void nnb_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    nnb_json_escape(f, s);
    fputc('"', f);
}

void nnb_json_num(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    /* an integral value below 2^53 (a count) is written with every digit,
     * as a JSON integer; anything else as the shortest of %.9g..%.17g that
     * reads back as the same double: a stored file renders exactly as the
     * live run did */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        fprintf(f, "%.0f", v);
        return;
    }
    char buf[40];
    for (int digits = 9; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}

void nnb_json_bool(FILE *f, int v) { fputs(v ? "true" : "false", f); }
