package io.droplet.soak;

import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fault test's latency before its faults and after the system recovered from them: a fixed number of
 * operations run one at a time, each timed and its value checked. The two p99s go into the test's report
 * line; they are not asserted (a timing on a shared machine is not a test outcome: SOAK and SLOW-CONSUMER,
 * which the issue asks to bound latency, compare long windows of one run). A wrong value fails the test;
 * a typed error is counted and reported.
 * <p>
 * <b>Note:</b> not thread-safe; run from the test's thread.
 */
final class LatencyProbe
{
    /** Operations per probe. */
    static final int OPERATIONS = Integer.getInteger("soak.probe.operations", 1_000);

    /** One probed operation. */
    @FunctionalInterface
    interface Operation
    {
        /**
         * @param i the operation's number, from 0.
         * @return its value.
         */
        Object run(long i);
    }

    /** The value operation {@code i} must give. */
    @FunctionalInterface
    interface Expected
    {
        /**
         * @param i the operation's number.
         * @return the value it must give.
         */
        Object of(long i);
    }

    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);

    private LatencyProbe()
    {
    }

    /**
     * Runs {@link #OPERATIONS} operations one after another.
     *
     * @param what      the operations are, for a failure's message.
     * @param operation to run.
     * @param expected  value of each.
     * @return the probe's figures.
     */
    static LatencyProbe run(final String what, final Operation operation, final Expected expected)
    {
        final LatencyProbe probe = new LatencyProbe();
        for (long i = 0; i < OPERATIONS; i++)
        {
            final long start = System.nanoTime();
            try
            {
                final Object value = operation.run(i);
                probe.histogram.recordValue(Math.min(System.nanoTime() - start, probe.histogram.getHighestTrackableValue()));
                assertEquals(expected.of(i), value, what + " " + i);
            }
            catch (final DropletException ex)
            {
                probe.histogram.recordValue(Math.min(System.nanoTime() - start, probe.histogram.getHighestTrackableValue()));
                probe.errors.merge(ex.code(), 1, Integer::sum);
            }
        }
        return probe;
    }

    /**
     * Runs the operations twice and keeps the second round: the figure before the faults is then of warm
     * code, like the one after them, not of processes just started.
     *
     * @param what      the operations are, for a failure's message.
     * @param operation to run.
     * @param expected  value of each.
     * @return the second round's figures.
     */
    static LatencyProbe warmThenRun(final String what, final Operation operation, final Expected expected)
    {
        run(what, operation, expected);
        return run(what, operation, expected);
    }

    /**
     * @return operations that ended in a typed error.
     */
    int errorCount()
    {
        return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * @return the 99th percentile, microseconds.
     */
    double p99Us()
    {
        return histogram.getValueAtPercentile(99) / 1e3;
    }

    /**
     * @param before the faults.
     * @param after  recovery.
     * @return "p99 before .. us, after .. us (..x) ...", for a report line.
     */
    static String compare(final LatencyProbe before, final LatencyProbe after)
    {
        return String.format("p99 before %.1f us, after %.1f us (%.2fx; %d operations one at a time each, typed errors %s / %s)",
            before.p99Us(), after.p99Us(), after.p99Us() / before.p99Us(), OPERATIONS, before.errors, after.errors);
    }
}
