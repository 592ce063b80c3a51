package io.droplet.node.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * square(x) = x * x, registered by class for executors in other processes.
 */
public final class SquareFunction implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final long x = invocation.args().readLong();
        invocation.result().writeLong(x * x);
    }
}
