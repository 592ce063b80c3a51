package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * square(x) = x * x, loaded by class in executor processes.
 */
public final class Square implements DropletFunction
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
