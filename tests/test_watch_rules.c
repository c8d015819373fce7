/* The watch's rules (machine/watch.h, speed_probe.h; issue 24) on crafted
 * readings: each piece of evidence alone marks a measurement disturbed and
 * is named with its amount; amounts under the thresholds, or under /proc's
 * resolution, do not. And the speed probe itself: a ratio to its CPU's best,
 * so never below 1 once calibrated (the real-noise halves are
 * test_noise_busy.sh and test_compare_noise.sh). */
#include "nnb_test.h"

#include "machine/speed_probe.h"
#include "machine/watch.h"

static bool disturbed(const nnb_watch_result *r, double wall_s, char *why)
{
    return nnb_watch_disturbed(r, wall_s, why, 256);
}

static void test_rules(void)
{
    char why[256];
    nnb_watch_result r = {.have = true, .cpus = 2, .speed_probe = 1.0};
    CHECK(!disturbed(&r, 1.0, why));
    CHECK_STR(why, "");
    r.speed_probe = 1.8; /* host contention: nothing in /proc */
    CHECK(disturbed(&r, 1.0, why));
    CHECK(strstr(why, "machine 1.80x slower than its best") != NULL);
    r.speed_probe = nnb_speed_probe_max() - 0.01;
    CHECK(!disturbed(&r, 1.0, why));
    /* the probe is evidence even where /proc cannot be read */
    nnb_watch_result blind = {.have = false, .speed_probe = 2.0};
    CHECK(disturbed(&blind, 1.0, why));
    r.speed_probe = 1.0;
    r.other_cpu_frac = 0.3;
    CHECK(disturbed(&r, 1.0, why));
    CHECK(strstr(why, "other processes 30% of 2 CPUs") != NULL);
    /* 0.3 of a 20 ms interval is under 2 ticks per CPU: no evidence */
    CHECK(!disturbed(&r, 0.02, why));
    r.other_cpu_frac = 0;
    r.steal_frac = 0.2;
    CHECK(disturbed(&r, 1.0, why));
    CHECK(strstr(why, "steal 20%") != NULL);
    r.steal_frac = 0;
    r.ivcsw_per_s = 120;
    CHECK(disturbed(&r, 1.0, why));
    CHECK(strstr(why, "120 involuntary context switches/s") != NULL);
    r.ivcsw_per_s = 120; /* 120/s over 20 ms: 2 switches, under the minimum of 5 */
    CHECK(!disturbed(&r, 0.02, why));
}

static void test_probe(void)
{
    double first = nnb_speed_probe(1); /* calibrates this CPU */
    CHECK(first >= 1.0);
    for (int i = 0; i < 5; i++) {
        double r = nnb_speed_probe(1);
        CHECK(r >= 1.0); /* the best is the minimum, updated by every call */
        CHECK(r < 1e3);
    }
    CHECK(nnb_speed_probe(2) >= 1.0);
}

int main(void)
{
    NNB_RUN(test_rules);
    NNB_RUN(test_probe);
    return nnb_test_done("test_watch_rules");
}
