package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.MaxLattice;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Writes its invocation's id into one of {@link #KEYS} max lattices and returns the id: a stage with a
 * write (so its output waits for the write's acknowledgement) whose stored data stays the same size however
 * long it runs, unlike {@link Record}'s sets, which grow with every id. SOAK uses it: a run that stores
 * ever more data cannot show flat memory.
 */
public final class Stamp implements DropletFunction
{
    /** Keys the ids are spread over. */
    public static final int KEYS = 64;

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final long id = invocation.args().readLong();
        final byte[] key = ("stamp-" + (id % KEYS)).getBytes(StandardCharsets.UTF_8);
        final byte[] max = LatticeCodec.toBytes(MaxLattice.of(id));
        invocation.state().merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(max), 0, max.length);
        invocation.result().writeLong(id);
    }
}
