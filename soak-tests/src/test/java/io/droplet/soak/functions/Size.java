package io.droplet.soak.functions;

import io.droplet.codecs.function.DropletFunction;
import io.droplet.codecs.function.Invocation;

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
