package io.droplet.node.functions;

import io.droplet.api.Invocation;
import io.droplet.api.ShortFunction;

/**
 * runs(tag): how many times {@link SleepFunction} started with this tag in the executor's JVM, so a test
 * can count the runs of a function in another process. Short: it only reads a map.
 * <p>
 * <b>Note:</b> thread-safe.
 */
public final class SleepRunsFunction implements ShortFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeLong(SleepFunction.runs(invocation.args().readLong()));
    }
}
