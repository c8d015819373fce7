/* tiny program recorded for nnbench's callgrind parser tests */
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <valgrind/callgrind.h>
__attribute__((noinline)) float dot(const float *a, const float *b, int n)
{ float s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }
static void *(*volatile cpy)(void *, const void *, size_t) = memcpy;
static float (*volatile ex)(float) = expf;
int main(void)
{
    static float a[256], b[256], c[256];
    for (int i = 0; i < 256; i++) { a[i] = i; b[i] = 1; }
    CALLGRIND_START_INSTRUMENTATION;
    float s = dot(a, b, 256);
    cpy(c, a, sizeof a);
    s += ex(0.5f);
    CALLGRIND_STOP_INSTRUMENTATION;
    printf("%f %f\n", s, c[3]);
    return 0;
}
