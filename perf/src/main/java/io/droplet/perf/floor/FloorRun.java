package io.droplet.perf.floor;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Times round trips of an {@link AeronChain}, one message in flight, into an HdrHistogram.
 * <p>
 * <b>Note:</b> stateless; {@link #measure} runs on the chain's thread.
 */
public final class FloorRun
{
    /** Largest latency the histogram tells apart; slower round trips are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    /** Precision of the histogram: 3 significant digits (0.1%). */
    public static final int SIGNIFICANT_DIGITS = 3;

    private FloorRun()
    {
    }

    /**
     * Runs {@code warmup} round trips untimed, then {@code count} timed ones, each carrying a value of its
     * own that must come back unchanged.
     *
     * @param chain  to drive.
     * @param warmup round trips first, not recorded (lets the JIT compile the path).
     * @param count  round trips recorded.
     * @return latency of each recorded round trip in nanoseconds.
     * @throws IllegalStateException if a value comes back changed, or a round trip fails.
     */
    public static Histogram measure(final AeronChain chain, final int warmup, final int count)
    {
        if (warmup < 0 || count < 0)
        {
            throw new IllegalArgumentException("warmup and count must not be negative: " + warmup + ", " + count);
        }
        final Histogram histogram = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        final int total = warmup + count;
        for (int i = 0; i < total; i++)
        {
            // Distinct and not a plain counter, so a stale or partly copied message cannot pass.
            final long value = 0x5DEECE66DL * (i + 1) ^ i;
            final long startNs = System.nanoTime();
            final long returned = chain.roundTrip(value);
            final long latencyNs = System.nanoTime() - startNs;
            if (returned != value)
            {
                throw new IllegalStateException("round trip " + i + " returned " + returned + " for " + value);
            }
            if (i >= warmup)
            {
                histogram.recordValue(Math.max(1, Math.min(latencyNs, HIGHEST_TRACKABLE_NS)));
            }
        }
        return histogram;
    }
}
