package io.droplet.node.functions;

import io.droplet.api.Invocation;
import io.droplet.api.StatefulFunction;

/**
 * A stateful function: counts its calls since {@link #init()}, returning the count.
 */
public final class CountingFunction implements StatefulFunction
{
    private long calls = -1;

    /**
     * {@inheritDoc}
     */
    public void init()
    {
        calls = 0;
    }

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        if (calls < 0)
        {
            throw new IllegalStateException("called before init");
        }
        invocation.result().writeLong(++calls);
    }
}
