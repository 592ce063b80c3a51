package io.droplet.soak.functions;

import io.droplet.api.Invocation;
import io.droplet.api.KeyedFunction;
import io.droplet.api.KeyedState;
import io.droplet.codecs.value.ValueWriter;

/**
 * A keyed counter loaded by class in executor processes: adds one to its key's count (the activation's state,
 * kept in the KVS) and returns {@code [count, pid]}, the pid of the executor process that ran it.
 */
public final class KeyedTally implements KeyedFunction
{
    private static final long PID = ProcessHandle.current().pid();

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation, final KeyedState state)
    {
        final long count = (state.isEmpty() ? 0 : state.read().readLong()) + 1;
        state.write().writeLong(count);
        final ValueWriter result = invocation.result();
        result.beginList(2);
        result.writeLong(count);
        result.writeLong(PID);
        result.endList();
    }
}
