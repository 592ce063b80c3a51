package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * echo(value) = value, copied as encoded.
 */
public final class Echo implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final int start = invocation.args().position();
        invocation.args().skip();
        invocation.result().writeEncoded(invocation.args().buffer(), start, invocation.args().position() - start);
    }
}
