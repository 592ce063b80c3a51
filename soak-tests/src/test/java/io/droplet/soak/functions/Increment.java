package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * increment(x) = x + 1, loaded by class in executor processes.
 */
public final class Increment implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeLong(invocation.args().readLong() + 1);
    }
}
