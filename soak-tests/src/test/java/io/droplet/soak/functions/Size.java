package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * size(bytes) = the number of bytes it was given.
 */
public final class Size implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeLong(invocation.args().payloadLength());
    }
}
