package io.droplet.node.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * sleep(millis, tag) = tag, after sleeping {@code millis}: a function that blocks, so it runs on its
 * executor's worker pool. Counts its runs per tag in this JVM (a function that ran twice for one call
 * shows as two), readable in process by {@link #runs(long)} and from another process through
 * {@link SleepRunsFunction}.
 * <p>
 * <b>Note:</b> thread-safe: workers run it at once.
 */
public final class SleepFunction implements DropletFunction
{
    private static final Map<Long, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    /**
     * @param tag given to the function.
     * @return how many times the function started with this tag in this JVM.
     */
    public static int runs(final long tag)
    {
        final AtomicInteger runs = RUNS.get(tag);
        return null == runs ? 0 : runs.get();
    }

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation) throws InterruptedException
    {
        final long millis = invocation.args().readLong();
        final long tag = invocation.args().readLong();
        // Counted when it starts, so a test can see it running (and a second start for one call would show).
        RUNS.computeIfAbsent(tag, key -> new AtomicInteger()).incrementAndGet();
        Thread.sleep(millis);
        invocation.result().writeLong(tag);
    }
}
