package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Resolves the KVS references in a source stage's arguments through the host cache, and parks the
 * triggers whose references miss. A parked trigger is a {@link TriggerCopy} in state
 * {@link TriggerCopy.State#AWAITING_CACHE}, keyed by the correlation id of the {@code KvsGet} sent to the
 * host's cache agent; it leaves that state once: taken back by {@link #onCacheAnswer} to be run again
 * (an absent key then reads as null), failed with the cache's error code by {@link #onCacheError}, or
 * failed with TIMEOUT by {@link #expire} once its deadline has passed.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent. Allocation-free in steady state.
 */
final class ReferenceResolver
{
    /** {@link #resolve}: the arguments hold no reference; use them as they are. */
    static final int NO_REFERENCES = 0;
    /** {@link #resolve}: a referenced key is not cached; {@link #park} the trigger. */
    static final int MISSED = -1;
    /** {@link #resolve}: the resolved arguments do not fit. */
    static final int TOO_LARGE = -2;
    /** {@link #resolve}: a reference names a key outside the running function's namespace. */
    static final int FORBIDDEN = -3;
    /** Parked copies kept for reuse, and the largest buffer one kept may have: the pool never holds much. */
    private static final int POOLED = 64;
    private static final int POOLED_CAPACITY = 64 * 1024;

    private final HostCache cache;
    private final ExecutorSends sends;
    private final StageOutputs outputs;
    private final ValueReader reader = new ValueReader();
    private final ValueWriter writer = new ValueWriter();
    private final UnsafeBuffer value;
    private final Long2ObjectHashMap<TriggerCopy> parked = new Long2ObjectHashMap<>();
    private final ArrayDeque<TriggerCopy> pool = new ArrayDeque<>();
    private final int maxParked;
    private final long maxParkedBytes;
    private final AtomicCounter refused;
    private long parkedBytes;
    private long nextParkId = 1;
    private int missOffset;
    private int missLength;

    /**
     * @param cache            the host cache, read directly.
     * @param sends            asks the cache agent on a miss.
     * @param outputs          answers a parked trigger's caller with its failure.
     * @param maxMessageLength of the transport: the largest cached value read.
     * @param bounds           of the executor, concluded: most triggers parked, and bytes of their arguments.
     * @param refused          counts the triggers refused past those bounds.
     */
    ReferenceResolver(
        final HostCache cache, final ExecutorSends sends, final StageOutputs outputs, final int maxMessageLength,
        final ExecutorBounds bounds, final AtomicCounter refused)
    {
        this.cache = cache;
        this.sends = sends;
        this.outputs = outputs;
        this.maxParked = bounds.parkedTriggers();
        this.maxParkedBytes = bounds.parkedBytes();
        this.refused = refused;
        this.value = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * Rewrites arguments with every KVS reference replaced by the referenced value read from the host
     * cache; references nested in lists and maps are resolved too.
     *
     * @param buffer      holding the arguments.
     * @param offset      of the arguments.
     * @param length      of the arguments.
     * @param absentIsNull true once the cache agent has answered: a key still missing reads as null.
     * @param namespace   of the running function.
     * @param out         for the rewritten arguments, from 0.
     * @return their length; or {@link #NO_REFERENCES}, {@link #MISSED}, {@link #TOO_LARGE}, {@link #FORBIDDEN}.
     */
    int resolve(
        final DirectBuffer buffer, final int offset, final int length, final boolean absentIsNull,
        final StageNamespace namespace, final MutableDirectBuffer out)
    {
        reader.wrap(buffer, offset, length);
        if (!containsReference())
        {
            return NO_REFERENCES;
        }
        reader.wrap(buffer, offset, length);
        writer.wrap(out, 0, out.capacity());
        final int outcome = copyResolving(buffer, absentIsNull, namespace);
        if (outcome < 0)
        {
            return outcome;
        }
        final int written = writer.encodedLength();
        return written < 0 || writer.overflowed() ? TOO_LARGE : written;
    }

    /**
     * Parks a trigger whose last {@link #resolve} missed, and asks the cache agent for the missing key
     * (still in the trigger's buffer); past the bound on parked triggers (count or bytes) its caller is answered
     * NO_RESOURCES instead.
     *
     * @return the park id, the correlation id of the cache request; or -1 if the trigger was refused.
     */
    long park(
        final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int targetStage, final int fromStage, final int attempt, final StageSchedule schedule,
        final DirectBuffer buffer, final int argsOffset, final int argsLength)
    {
        if (parked.size() >= maxParked || parkedBytes + argsLength > maxParkedBytes)
        {
            refused.incrementRelease();
            outputs.fail(invocationId, replyTo, correlationId, ErrorCode.NO_RESOURCES,
                "too many triggers wait for the host cache on this executor");
            return -1;
        }
        final TriggerCopy trigger = pool.isEmpty() ? new TriggerCopy() : pool.pollFirst();
        trigger.set(invocationId, correlationId, replyTo, deadline, targetStage, fromStage, attempt, schedule,
            buffer, argsOffset, argsLength);
        final long parkId = nextParkId++;
        trigger.key = parkId;
        trigger.state = TriggerCopy.State.AWAITING_CACHE;
        parked.put(parkId, trigger);
        parkedBytes += argsLength;
        sends.cacheGet(parkId, buffer, missOffset, missLength);
        return parkId;
    }

    /**
     * The cache agent answered a miss: the parked trigger is handed back to run again, then
     * {@link #release}d by the caller.
     *
     * @return the parked trigger, or null if none waits under that id (expired, or not ours).
     */
    TriggerCopy onCacheAnswer(final long correlationId)
    {
        final TriggerCopy trigger = parked.remove(correlationId);
        if (null != trigger)
        {
            parkedBytes -= trigger.valueLength;
            trigger.state = TriggerCopy.State.FREE;
        }
        return trigger;
    }

    /**
     * The cache agent could not fetch a key: the parked trigger's caller gets the code.
     */
    void onCacheError(final long correlationId, final ErrorCode code)
    {
        final TriggerCopy trigger = parked.remove(correlationId);
        if (null != trigger)
        {
            parkedBytes -= trigger.valueLength;
            outputs.fail(trigger.invocationId, trigger.replyTo, trigger.correlationId, code, "a referenced key could not be fetched");
            release(trigger);
        }
    }

    /**
     * Fails, with TIMEOUT, the parked triggers whose deadline has passed.
     *
     * @param nowNs epoch nanoseconds.
     * @return triggers expired.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        for (final Long2ObjectHashMap<TriggerCopy>.ValueIterator iterator = parked.values().iterator(); iterator.hasNext(); )
        {
            final TriggerCopy trigger = iterator.next();
            if (trigger.deadline != 0 && nowNs - trigger.deadline > 0)
            {
                iterator.remove();
                parkedBytes -= trigger.valueLength;
                outputs.fail(trigger.invocationId, trigger.replyTo, trigger.correlationId, ErrorCode.TIMEOUT, "a referenced key was not fetched in time");
                release(trigger);
                expired++;
            }
        }
        return expired;
    }

    /**
     * Returns a trigger taken back by {@link #onCacheAnswer} to the pool.
     */
    void release(final TriggerCopy trigger)
    {
        trigger.state = TriggerCopy.State.FREE;
        if (pool.size() < POOLED && trigger.buffer.capacity() <= POOLED_CAPACITY)
        {
            pool.addLast(trigger);
        }
    }

    /**
     * @return bytes of arguments the parked triggers hold.
     */
    long parkedBytes()
    {
        return parkedBytes;
    }

    /**
     * @return triggers waiting for the cache.
     */
    int parked()
    {
        return parked.size();
    }

    /**
     * Reads one value (with everything inside it).
     *
     * @return true if it is or holds a reference.
     */
    private boolean containsReference()
    {
        final ValueType type = reader.type();
        if (type == ValueType.LIST || type == ValueType.MAP)
        {
            final int values = type == ValueType.LIST ? reader.enterList() : 2 * reader.enterMap();
            boolean any = false;
            for (int i = 0; i < values; i++)
            {
                any |= containsReference();
            }
            return any;
        }
        reader.skip();
        return type == ValueType.REFERENCE;
    }

    /**
     * Copies one value from the reader to the writer, replacing references by their values.
     *
     * @return 0, {@link #MISSED} (the key is noted) or {@link #FORBIDDEN}.
     */
    private int copyResolving(final DirectBuffer buffer, final boolean absentIsNull, final StageNamespace namespace)
    {
        final int start = reader.position();
        final ValueType type = reader.type();
        if (type == ValueType.REFERENCE)
        {
            final int keyOffset = reader.payloadOffset();
            final int keyLength = reader.payloadLength();
            if (!namespace.allows(buffer, keyOffset, keyLength))
            {
                return FORBIDDEN;
            }
            final int valueLength = cache.get(buffer, keyOffset, keyLength, value, 0);
            if (valueLength >= 0)
            {
                ReferenceView.write(value, 0, valueLength, writer);
            }
            else if (absentIsNull)
            {
                writer.writeNull();
            }
            else
            {
                missOffset = keyOffset;
                missLength = keyLength;
                return MISSED;
            }
            reader.skip();
            return 0;
        }
        if (type == ValueType.LIST || type == ValueType.MAP)
        {
            final boolean list = type == ValueType.LIST;
            final int count = list ? reader.enterList() : reader.enterMap();
            if (list)
            {
                writer.beginList(count);
            }
            else
            {
                writer.beginMap(count);
            }
            for (int i = 0, values = list ? count : 2 * count; i < values; i++)
            {
                final int outcome = copyResolving(buffer, absentIsNull, namespace);
                if (outcome < 0)
                {
                    return outcome;
                }
            }
            if (list)
            {
                writer.endList();
            }
            else
            {
                writer.endMap();
            }
            return 0;
        }
        reader.skip();
        writer.writeEncoded(buffer, start, reader.position() - start);
        return 0;
    }
}
