package io.droplet.executors;

import io.droplet.api.KeyedFunction;
import io.droplet.api.KeyedState;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One key's activation of a keyed function on this executor: the instance of its class, its state value, and
 * the calls waiting for it. Made by {@link KeyedActivations} on the key's first call here, with the state stored
 * under its state key (read through the host cache, fetched on a miss); each call runs on a worker
 * ({@link #apply}) and, if it wrote a new state, logs that state's write to the KVS in its run's
 * {@link PooledState}, so the agent sends it, and output commit holds the call's result until the store has
 * acknowledged it.
 * <p>
 * <b>Note:</b> handed between threads, never shared: the agent owns {@link #busy}, {@link #waiting} and
 * {@link #lastUsedNs}, and loads the first state; the worker running the key's one call at a time owns the
 * instance and state while it runs. Each hand-over goes through the pool's concurrent queues, which order the
 * writes before it against the reads after it.
 */
final class Activation implements KeyedState
{
    private static final UnsafeBuffer NULL_VALUE = new UnsafeBuffer(new byte[]{ ValueType.NULL.tag() });

    final KeyedClass type;
    private final String key;
    private final String stateKeyText;
    private final UnsafeBuffer stateKey;
    private final ValueReader reader = new ValueReader();
    private final ValueWriter writer = new ValueWriter();
    private ExpandableArrayBuffer state = new ExpandableArrayBuffer(64);
    private ExpandableArrayBuffer pending = new ExpandableArrayBuffer(64);
    private int stateLength;
    private int payloadLimit;
    private boolean written;
    private KeyedFunction instance;

    /** Agent's: a call of this key is on the pool (queued, running, or back and not yet handed on). */
    boolean busy;
    /** Agent's: runs of this key waiting for the one on the pool, in arrival order. */
    final ArrayDeque<PooledRun> waiting = new ArrayDeque<>();
    /** Agent's: when its last call was handed on (epoch ns), for eviction. */
    long lastUsedNs;
    /** Agent's: its state is being fetched; its calls wait. */
    boolean loading;

    /**
     * @param type     the function's class.
     * @param key      of the activation.
     * @param stateKey the KVS key its state is kept under.
     */
    Activation(final KeyedClass type, final String key, final String stateKey)
    {
        this.type = type;
        this.key = key;
        this.stateKeyText = stateKey;
        this.stateKey = new UnsafeBuffer(stateKey.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the KVS key its state is kept under, as UTF-8 bytes.
     */
    UnsafeBuffer stateKey()
    {
        return stateKey;
    }

    /**
     * @return the KVS key its state is kept under.
     */
    String stateKeyText()
    {
        return stateKeyText;
    }

    /**
     * Sets the state the activation starts from (agent's thread, before its first call is submitted).
     *
     * @param lattice buffer holding the lattice stored under the state key (a last-writer-wins value).
     * @param offset  of the lattice.
     * @param length  of the lattice.
     */
    void loadLattice(final DirectBuffer lattice, final int offset, final int length)
    {
        ReferenceView.write(lattice, offset, length, writer.wrap(state, 0, Integer.MAX_VALUE - 8));
        stateLength = writer.encodedLength();
        if (stateLength > 0 && state.getByte(0) == ValueType.NULL.tag())
        {
            stateLength = 0;
        }
    }

    /**
     * Runs one call on a worker: makes the instance on the first, and keeps the state the call wrote, logging its
     * write to the KVS.
     *
     * @param invocation   of the call, its arguments those after the key and state reference.
     * @param kvs          the run's view of the KVS, which logs the state's write for the agent to send.
     * @param payloadLimit largest state value.
     * @throws Exception what the function threw; the state is then as before the call.
     */
    void apply(final StageInvocation invocation, final PooledState kvs, final int payloadLimit) throws Exception
    {
        if (null == instance)
        {
            instance = type.newInstance();
        }
        this.payloadLimit = payloadLimit;
        written = false;
        instance.apply(invocation, this);
        if (!written)
        {
            return;
        }
        written = false;
        final int length = writer.encodedLength();
        if (length < 0)
        {
            throw new IllegalStateException("the state written is larger than the payload limit of " + payloadLimit +
                " bytes, or a list or map not closed");
        }
        if (length == 0)
        {
            // write() asked for but nothing written: the state is unchanged.
            return;
        }
        final ExpandableArrayBuffer previous = state;
        state = pending;
        pending = previous;
        stateLength = length;
        kvs.putValue(stateKey, 0, stateKey.capacity(), state, 0, length);
    }

    /**
     * {@inheritDoc}
     */
    public String key()
    {
        return key;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isEmpty()
    {
        return 0 == stateLength;
    }

    /**
     * {@inheritDoc}
     */
    public ValueReader read()
    {
        return 0 == stateLength ? reader.wrap(NULL_VALUE, 0, 1) : reader.wrap(state, 0, stateLength);
    }

    /**
     * {@inheritDoc}
     */
    public ValueWriter write()
    {
        written = true;
        return writer.wrap(pending, 0, payloadLimit);
    }
}
