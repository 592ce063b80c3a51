package io.droplet.node.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * Returns the type of its first argument as the executor passed it (a reference arrives resolved).
 */
public final class ArgumentTypeFunction implements DropletFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeString(invocation.args().type().name());
    }
}
