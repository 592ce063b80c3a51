package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;

/**
 * grow(n) = n zero bytes: a result as large as asked.
 */
public final class Grow implements DropletFunction
{
    private static final byte[] ZEROS = new byte[1 << 20];

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final int n = (int)invocation.args().readLong();
        if (n <= ZEROS.length)
        {
            invocation.result().writeBytes(ZEROS, 0, n);
        }
        else
        {
            invocation.result().writeBytes(new byte[n], 0, n);
        }
    }
}
