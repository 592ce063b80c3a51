package io.droplet.node.functions;

import io.droplet.api.Invocation;
import io.droplet.api.ShortFunction;

/**
 * increment(x) = x + 1, declared short: it runs inline on its executor's agent, the microsecond path.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
public final class ShortIncrementFunction implements ShortFunction
{
    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        invocation.result().writeLong(invocation.args().readLong() + 1);
    }
}
