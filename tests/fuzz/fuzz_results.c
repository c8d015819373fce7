/* Fuzz target: a results file (what nnbench report and compare read).
 * Properties: no crash, hang or undefined behaviour; a refusal is one line
 * naming the file and line; a file that is read writes back (first line
 * kept, layers through the record writer) into a file that reads again
 * and writes back the same bytes: reader and writer agree key for key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "results/reader.h"
#include "results/record.h"

/* The header line of data and f's layers as the writer writes them. */
static char *write_back(const uint8_t *data, size_t size, const nnb_results_file *f, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    if (!out) return NULL;
    const uint8_t *nl = memchr(data, '\n', size);
    fwrite(data, 1, nl ? (size_t)(nl - data) + 1 : size, out);
    for (size_t i = 0; i < f->nlayers; i++) {
        const nnb_layer_report *r = &f->layers[i];
        if (!r->nresults) nnb_record_json_line(out, r, NULL);
        for (size_t j = 0; j < r->nresults; j++) nnb_record_json_line(out, r, &r->results[j]);
    }
    fclose(out);
    return buf;
}

static int read_mem(const void *data, size_t size, nnb_results_file *f, char *err, size_t len)
{
    FILE *in = fmemopen((void *)data, size, "r");
    if (!in) return -2;
    int rc = nnb_results_read_stream(in, "fuzz.jsonl", f, err, len);
    fclose(in);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 65536) return 0;
    nnb_results_file f;
    char err[1024] = "";
    int rc = read_mem(data, size, &f, err, sizeof err);
    if (rc == -2) return 0;
    if (rc) {
        FUZZ_REQUIRE(strncmp(err, "fuzz.jsonl:", 11) == 0 && !strchr(err, '\n'), "refusal '%s'", err);
        return 0;
    }
    size_t n1 = 0, n2 = 0;
    char *once = write_back(data, size, &f, &n1);
    nnb_results_free(&f);
    if (!once) return 0;
    nnb_results_file g;
    rc = read_mem(once, n1, &g, err, sizeof err);
    FUZZ_REQUIRE(rc == 0, "the writer's own records were refused: %s", err);
    char *twice = write_back((const uint8_t *)once, n1, &g, &n2);
    FUZZ_REQUIRE(twice && n1 == n2 && memcmp(once, twice, n1) == 0, "written back twice, the records differ");
    nnb_results_free(&g);
    free(once);
    free(twice);
    return 0;
}
