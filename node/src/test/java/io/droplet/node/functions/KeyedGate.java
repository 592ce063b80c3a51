package io.droplet.node.functions;

import io.droplet.api.Invocation;
import io.droplet.api.KeyedFunction;
import io.droplet.api.KeyedState;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A keyed function that appends its argument to its key's state (a string) and returns the new state; the
 * argument {@code "block"} waits for {@link #RELEASE} first, so a test can hold one key busy.
 */
public final class KeyedGate implements KeyedFunction
{
    /** Counted down when a blocking call started. */
    public static volatile CountDownLatch started = new CountDownLatch(1);
    /** Released by the test. */
    public static volatile CountDownLatch release = new CountDownLatch(1);

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation, final KeyedState state) throws Exception
    {
        final String argument = invocation.args().readString();
        if ("block".equals(argument))
        {
            started.countDown();
            if (!release.await(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("never released");
            }
        }
        final String next = (state.isEmpty() ? "" : state.read().readString()) + argument + ";";
        state.write().writeString(next);
        invocation.result().writeString(next);
    }
}
