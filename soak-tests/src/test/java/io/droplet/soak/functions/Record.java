package io.droplet.soak.functions;

import io.droplet.api.DropletFunction;
import io.droplet.api.Invocation;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.SetLattice;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * record(id) = id, after adding the id to the set lattice {@code seen-<id % 64>}: the fault tests read the
 * sets back to check that every invocation that returned a result had its write stored.
 */
public final class Record implements DropletFunction
{
    /** Sets the ids are spread over. */
    public static final int SETS = 64;

    /**
     * @param id of an invocation.
     * @return the key of the set that records it.
     */
    public static String keyOf(final long id)
    {
        return "seen-" + (id % SETS);
    }

    /**
     * {@inheritDoc}
     */
    public void apply(final Invocation invocation)
    {
        final long id = invocation.args().readLong();
        final byte[] key = keyOf(id).getBytes(StandardCharsets.UTF_8);
        final byte[] set = LatticeCodec.toBytes(SetLattice.of(Long.toString(id).getBytes(StandardCharsets.UTF_8)));
        invocation.state().merge(new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(set), 0, set.length);
        invocation.result().writeLong(id);
    }
}
