package io.droplet.node.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * increment(x) = x + 1, registered by class for executors in other processes.
 */
public final class IncrementFunction implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeLong(invocation.args().readLong() + 1);
    }
}
