package io.droplet.perf.harness;

import java.time.Duration;

/**
 * How long each kind of measurement runs: quick (everything, peers included, in under five minutes on a
 * 2-core machine) or full (longer intervals, tighter tails).
 *
 * @param warmup        requests before a one-in-flight measurement.
 * @param calls         requests measured one in flight (the 1-call and 2-function DAG cases).
 * @param shapeCalls    requests measured one in flight for the other DAG shapes and the pooled lane's cases.
 * @param rateWarmup    warm-up of a fixed-rate or throughput run.
 * @param rateDuration  measured interval of a fixed-rate or throughput run.
 * @param fixedRate     offered rate of the fixed-rate run, per second.
 * @param window        requests in flight for the throughput run.
 * @param peerScale     fraction of each peer's default call count.
 * @param floorCalls    round trips of the raw Aeron floor.
 * @param poolWarmup    warm-up of each pool size's throughput run (1 ms functions on the worker pool).
 * @param poolDuration  measured interval of each pool size's throughput run.
 */
record Budget(
    int warmup, int calls, int shapeCalls, Duration rateWarmup, Duration rateDuration, double fixedRate, int window,
    double peerScale, int floorCalls, Duration poolWarmup, Duration poolDuration)
{
    /** Everything in under five minutes. */
    static final Budget QUICK = new Budget(
        20_000, 100_000, 50_000, Duration.ofSeconds(1), Duration.ofSeconds(5), 50_000, 128, 0.5, 100_000,
        Duration.ofMillis(500), Duration.ofSeconds(2));

    /** Longer runs for the record. */
    static final Budget FULL = new Budget(
        100_000, 1_000_000, 200_000, Duration.ofSeconds(5), Duration.ofSeconds(30), 50_000, 128, 1.0, 1_000_000,
        Duration.ofSeconds(2), Duration.ofSeconds(10));
}
