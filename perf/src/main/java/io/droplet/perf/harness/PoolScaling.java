package io.droplet.perf.harness;

import io.droplet.api.Invocation;
import io.droplet.client.DropletClient;
import io.droplet.executors.ExecutorConfiguration;
import io.droplet.executors.ExecutorContext;
import io.droplet.node.Droplet;
import io.droplet.node.LocalContext;
import io.droplet.transport.ThreadingProfile;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Throughput of the pooled lane as the worker pool grows: a function that parks for 1 ms (not declared
 * short, so it runs on the executor's worker pool) called with {@value #WINDOW} calls in flight, on a
 * new local node per pool size ({@value ExecutorContext#WORKERS_PROP_NAME} set while the node starts).
 * A pool of n workers can complete at most about n x 1,000 calls per second; how close each size comes
 * shows what the lane costs around the function (hand-over to a worker, hand-back to the agent).
 * <p>
 * <b>Note:</b> not thread-safe; run from the harness's thread. It sets and restores a system property.
 */
final class PoolScaling
{
    /** Pool sizes measured, one node each. */
    static final int[] WORKERS = {1, 2, 4, 8, 16};
    /** Calls in flight: four times the largest pool, so no size waits on the caller. */
    static final int WINDOW = 64;
    private static final String FUNCTION = "park-1ms";
    private static final long WORK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * What one pool size sustained.
     *
     * @param workers    in the pool.
     * @param perSecond  calls completed per second over the measured interval.
     * @param latencyNs  of each call from its send, in nanoseconds.
     */
    record Point(int workers, double perSecond, Histogram latencyNs)
    {
    }

    private final Budget budget;
    private final Consumer<String> progress;

    PoolScaling(final Budget budget, final Consumer<String> progress)
    {
        this.budget = budget;
        this.progress = progress;
    }

    /**
     * @return one point per pool size, in the order of {@link #WORKERS}.
     */
    List<Point> run()
    {
        final List<Point> points = new ArrayList<>();
        for (final int workers : WORKERS)
        {
            try (DropletClient droplet = start(workers))
            {
                droplet.registerFunction(FUNCTION, PoolScaling::parkOneMillisecond);
                final Load.Throughput throughput = Load.maxRate(droplet, x -> droplet.callAsync(FUNCTION, x), x -> x + 1,
                    WINDOW, budget.poolWarmup(), budget.poolDuration());
                points.add(new Point(workers, throughput.perSecond(), throughput.latencyNs()));
                progress.accept(String.format(Locale.ROOT, "droplet: pool of %d, 1 ms functions: %,.0f calls/s (%,.0f per worker)",
                    workers, throughput.perSecond(), throughput.perSecond() / workers));
            }
        }
        return points;
    }

    /**
     * @param points measured.
     * @return the report's section: a heading line and a Markdown table, one row per pool size.
     */
    static String markdown(final List<Point> points)
    {
        final StringBuilder md = new StringBuilder(256 + 64 * points.size());
        md.append("Pooled lane throughput: a function that parks 1 ms (not declared short), ").append(WINDOW)
            .append(" calls in flight, one node per pool size; latency from each call's send:\n\n");
        md.append("| workers | calls/s | calls/s per worker | p50 ms | p99 ms | max ms |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (final Point point : points)
        {
            final Histogram h = point.latencyNs();
            md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f | %.2f | %.2f |%n", point.workers(),
                point.perSecond(), point.perSecond() / point.workers(), h.getValueAtPercentile(50.0) / 1e6,
                h.getValueAtPercentile(99.0) / 1e6, h.getMaxValue() / 1e6));
        }
        return md.toString();
    }

    private static DropletClient start(final int workers)
    {
        // The executor reads its pool size when the node starts; a local node has no setting of its own for it.
        final String previous = System.getProperty(ExecutorConfiguration.WORKERS_PROP_NAME);
        System.setProperty(ExecutorConfiguration.WORKERS_PROP_NAME, Integer.toString(workers));
        try
        {
            return Droplet.local(new LocalContext().threading(ThreadingProfile.INVOKER));
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(ExecutorConfiguration.WORKERS_PROP_NAME);
            }
            else
            {
                System.setProperty(ExecutorConfiguration.WORKERS_PROP_NAME, previous);
            }
        }
    }

    /**
     * x + 1 after 1 ms parked (a function waiting on I/O, say): parks again after an early wake-up.
     */
    private static void parkOneMillisecond(final Invocation invocation)
    {
        final long x = invocation.args().readLong();
        final long end = System.nanoTime() + WORK_NS;
        long left;
        while ((left = end - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(left);
        }
        invocation.result().writeLong(x + 1);
    }
}
