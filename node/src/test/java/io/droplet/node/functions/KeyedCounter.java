package io.droplet.node.functions;

import io.droplet.api.Invocation;
import io.droplet.api.KeyedFunction;
import io.droplet.api.KeyedState;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keyed counter: adds its argument to its key's count, kept as the activation's state, and returns the new
 * count. It checks from inside that calls to one key never overlap: a flag per key, set while a call runs, found
 * set by another call counts an overlap.
 */
public final class KeyedCounter implements KeyedFunction
{
    /** Calls that found another call of their key running (in this process). */
    public static final AtomicInteger OVERLAPS = new AtomicInteger();
    /** Activations that served a call (instances of this class called at least once), in this process. */
    public static final AtomicInteger ACTIVATIONS = new AtomicInteger();
    private static final ConcurrentHashMap<String, AtomicBoolean> RUNNING = new ConcurrentHashMap<>();
    private String key;

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation, final KeyedState state)
    {
        if (null == key)
        {
            key = state.key();
            ACTIVATIONS.incrementAndGet();
        }
        else if (!key.equals(state.key()))
        {
            throw new IllegalStateException("an activation of " + key + " was called for " + state.key());
        }
        final AtomicBoolean running = RUNNING.computeIfAbsent(state.key(), (key) -> new AtomicBoolean());
        if (!running.compareAndSet(false, true))
        {
            OVERLAPS.incrementAndGet();
        }
        try
        {
            final long count = state.isEmpty() ? 0 : state.read().readLong();
            final long delta = invocation.argCount() > 0 ? invocation.args().readLong() : 1;
            // Gives another call of the key, if one could run now, the time to show itself.
            Thread.yield();
            state.write().writeLong(count + delta);
            invocation.result().writeLong(count + delta);
        }
        finally
        {
            running.set(false);
        }
    }
}
