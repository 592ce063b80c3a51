package io.droplet.perf.peers;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * What one measured run of a peer gives: the latency of each timed call, how many calls there were,
 * how many answered wrongly, and how long the timed calls took together.
 *
 * @param latencyNs  latency of each timed call in nanoseconds (values above a minute are recorded as a minute).
 * @param calls      number of timed calls.
 * @param mismatches calls, warm-up included, whose result was not {@code (x + 1) * (x + 1)}: any is an error.
 * @param elapsedNs  wall time of the timed calls, one after another.
 *                   <p>
 *                   <b>Note:</b> the histogram is mutable and not thread-safe: hand a run to one thread at a time.
 */
public record PeerRun(Histogram latencyNs, long calls, long mismatches, long elapsedNs)
{
    /** Largest latency the histogram tells apart; slower calls are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    /** Precision of the histogram: 3 significant digits (0.1%). */
    public static final int SIGNIFICANT_DIGITS = 3;

    /**
     * @return calls completed per second over the timed calls.
     */
    public double callsPerSecond()
    {
        return elapsedNs > 0 ? calls * (double)TimeUnit.SECONDS.toNanos(1) / elapsedNs : 0.0;
    }

    /**
     * @return an empty histogram for latencies from 1 ns to {@link #HIGHEST_TRACKABLE_NS}.
     */
    public static Histogram newLatencyHistogram()
    {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Records a latency, clamped to the histogram's range.
     *
     * @param histogram from {@link #newLatencyHistogram()}.
     * @param latencyNs measured.
     */
    public static void recordLatency(final Histogram histogram, final long latencyNs)
    {
        histogram.recordValue(Math.max(1, Math.min(latencyNs, HIGHEST_TRACKABLE_NS)));
    }

    /**
     * @param x the argument of increment.
     * @return what {@code square(increment(x))} must return.
     */
    public static long expected(final long x)
    {
        return (x + 1) * (x + 1);
    }
}
