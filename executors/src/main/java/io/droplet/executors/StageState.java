package io.droplet.executors;

import io.droplet.api.FunctionState;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The KVS from inside a function: reads answer from the host cache only (a miss asks the cache agent
 * to fetch the key for a later call, and reads as absent now); writes go to the cache agent, which
 * updates the host cache and forwards them to the key's primary replica. Each write is noted by
 * {@link OutputCommit}, which holds the stage's output until the writes are acknowledged.
 * <p>
 * <b>Note:</b> not thread-safe; used on the executor agent's thread by a running short function, and by the
 * agent to send the writes a pooled run logged ({@link PooledState}).
 */
final class StageState implements FunctionState
{
    private final HostCache cache;
    private final ExecutorSends sends;
    private final OutputCommit commit;
    private final StageNamespace namespace;
    private final ExecutorCounters counters;
    private final EpochNanoClock clock;
    private final int maxLatticeLength;
    private final UnsafeBuffer value;
    private long lastTimestamp;

    /**
     * @param cache            the host cache, or null if this executor has none (reads miss, writes are dropped).
     * @param sends            to the cache agent.
     * @param commit           notes the running stage's writes.
     * @param namespace        of the running function.
     * @param counters         of the executor.
     * @param clock            stamps LWW writes.
     * @param maxMessageLength of the transport.
     */
    StageState(
        final HostCache cache, final ExecutorSends sends, final OutputCommit commit, final StageNamespace namespace,
        final ExecutorCounters counters, final EpochNanoClock clock, final int maxMessageLength)
    {
        this.cache = cache;
        this.sends = sends;
        this.commit = commit;
        this.namespace = namespace;
        this.counters = counters;
        this.clock = clock;
        this.maxLatticeLength = maxMessageLength / 2;
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    public boolean read(final DirectBuffer key, final int offset, final int length, final ValueWriter out)
    {
        if (null == cache || !namespace.allows(key, offset, length))
        {
            return false;
        }
        final int valueLength = cache.get(key, offset, length, value, 0);
        if (valueLength >= 0)
        {
            ReferenceView.write(value, 0, valueLength, out);
            return true;
        }
        // Correlation 0: the cache agent's answer is ignored; the key will be cached for a later call.
        sends.cacheGet(0, key, offset, length);
        return false;
    }

    /**
     * Asks the cache agent to fetch a key for a later call: a pooled run's read that missed, sent for it
     * by the agent.
     */
    void fetch(final DirectBuffer key, final int offset, final int length)
    {
        if (null != cache)
        {
            sends.cacheGet(0, key, offset, length);
        }
    }

    public void putValue(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (null == cache || LatticeCodec.lwwLength(valueLength) > maxLatticeLength)
        {
            counters.undeliverable.incrementRelease();
            return;
        }
        if (!namespace.allows(key, keyOffset, keyLength))
        {
            commit.onKeyRefused();
            return;
        }
        // Strictly increasing, so two writes of one stage in the same clock tick keep their order.
        final long now = clock.nanoTime();
        lastTimestamp = now > lastTimestamp ? now : lastTimestamp + 1;
        final long putId = commit.nextPutId();
        noteSent(putId, sends.cachePutLww(putId, key, keyOffset, keyLength, lastTimestamp, value, valueOffset, valueLength));
    }

    public void merge(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
    {
        if (null == cache)
        {
            counters.undeliverable.incrementRelease();
            return;
        }
        if (!namespace.allows(key, keyOffset, keyLength))
        {
            commit.onKeyRefused();
            return;
        }
        final long putId = commit.nextPutId();
        noteSent(putId, sends.cachePut(putId, key, keyOffset, keyLength, lattice, latticeOffset, latticeLength));
    }

    private void noteSent(final long putId, final int status)
    {
        if (status == SendStatus.OK)
        {
            commit.onPutSent(putId);
        }
        else
        {
            commit.onPutNotSent();
        }
    }
}
