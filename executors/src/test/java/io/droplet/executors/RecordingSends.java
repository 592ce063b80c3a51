package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueReader;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link ExecutorSends} that records what the state machines send instead of encoding it.
 */
class RecordingSends implements ExecutorSends
{
    enum Kind
    {
        TRIGGER, RESULT, ERROR, CACHE_GET, CACHE_PUT, FUNCTION_MESSAGE, HEARTBEAT, COMPLETED, CALL, CALL_DAG, CAPACITY,
        CANCEL_INVOCATION
    }

    /** What a heartbeat or capacity report said of the pool (and, for a heartbeat, of the functions). */
    record Report(Kind kind, long scheduler, int workers, int freeSlots, int inFlight, List<String> inline, List<String> pooled)
    {
    }

    /** One message sent. */
    record Sent(
        Kind kind, long destination, long correlationId, long invocationId, int stage, int fromStage, ErrorCode code,
        String detail, String key, long timestamp, byte[] value)
    {
        /** @return the value as a long value encoding. */
        long longValue()
        {
            return new ValueReader().wrap(new UnsafeBuffer(value), 0, value.length).readLong();
        }

        /** @return the value as a string value encoding. */
        String stringValue()
        {
            return new ValueReader().wrap(new UnsafeBuffer(value), 0, value.length).readString();
        }
    }

    final List<Sent> sent = new ArrayList<>();
    final List<Report> reports = new ArrayList<>();
    /** What {@link #cachePut} and {@link #cachePutLww} answer. */
    int putStatus = SendStatus.OK;
    /** What {@link #trigger} answers. */
    int triggerStatus = SendStatus.OK;

    List<Sent> of(final Kind kind)
    {
        final List<Sent> matching = new ArrayList<>();
        for (final Sent message : sent)
        {
            if (message.kind() == kind)
            {
                matching.add(message);
            }
        }
        return matching;
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    private static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return new String(copy(buffer, offset, length), StandardCharsets.UTF_8);
    }

    public int trigger(
        final long destination, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int childStage, final int fromStage, final int attempt, final StageSchedule schedule,
        final DirectBuffer value, final int offset, final int length)
    {
        sent.add(new Sent(Kind.TRIGGER, destination, correlationId, invocationId, childStage, fromStage, ErrorCode.NONE, null,
            null, 0, copy(value, offset, length)));
        return triggerStatus;
    }

    public int result(
        final long replyTo, final long correlationId, final long invocationId, final DirectBuffer value, final int offset,
        final int length)
    {
        sent.add(new Sent(Kind.RESULT, replyTo, correlationId, invocationId, -1, -1, ErrorCode.NONE, null, null, 0,
            copy(value, offset, length)));
        return SendStatus.OK;
    }

    public int error(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        sent.add(new Sent(Kind.ERROR, replyTo, correlationId, 0, -1, -1, code, detail, null, 0, new byte[0]));
        return SendStatus.OK;
    }

    public int cacheGet(final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        sent.add(new Sent(Kind.CACHE_GET, 0, correlationId, 0, -1, -1, ErrorCode.NONE, null, text(key, keyOffset, keyLength), 0,
            new byte[0]));
        return SendStatus.OK;
    }

    public int cachePut(
        final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
    {
        sent.add(new Sent(Kind.CACHE_PUT, 0, correlationId, 0, -1, -1, ErrorCode.NONE, null, text(key, keyOffset, keyLength), 0,
            copy(lattice, latticeOffset, latticeLength)));
        return putStatus;
    }

    public int cachePutLww(
        final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength, final long timestamp,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        sent.add(new Sent(Kind.CACHE_PUT, 0, correlationId, 0, -1, -1, ErrorCode.NONE, null, text(key, keyOffset, keyLength),
            timestamp, copy(value, valueOffset, valueLength)));
        return putStatus;
    }

    public int cancelInvocation(final long executor, final long invocationId)
    {
        sent.add(new Sent(Kind.CANCEL_INVOCATION, executor, 0, invocationId, -1, -1, ErrorCode.NONE, null, null, 0, null));
        return SendStatus.OK;
    }

    public int functionMessage(
        final long to, final long from, final long invocationId, final DirectBuffer payload, final int offset, final int length)
    {
        sent.add(new Sent(Kind.FUNCTION_MESSAGE, to, 0, invocationId, -1, -1, ErrorCode.NONE, null, null, 0,
            copy(payload, offset, length)));
        return SendStatus.OK;
    }

    public int heartbeat(
        final long[] schedulers, final int count, final long timestamp, final int queueDepth, final int workers,
        final int freeSlots, final int inFlight, final int utilisationPerMille, final LocalFunctions.Announcement functions)
    {
        final List<String> inline = new ArrayList<>();
        final List<String> pooled = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++)
        {
            final String name = new String(functions.name(i), StandardCharsets.UTF_8);
            (functions.lane(i) == io.droplet.codecs.sbe.FunctionLane.INLINE ? inline : pooled).add(name);
        }
        for (int i = 0; i < count; i++)
        {
            sent.add(new Sent(Kind.HEARTBEAT, schedulers[i], 0, 0, -1, -1, ErrorCode.NONE, null, null, timestamp, new byte[0]));
            reports.add(new Report(Kind.HEARTBEAT, schedulers[i], workers, freeSlots, inFlight, inline, pooled));
        }
        return count;
    }

    public int capacity(final long[] schedulers, final int count, final int workers, final int freeSlots)
    {
        for (int i = 0; i < count; i++)
        {
            sent.add(new Sent(Kind.CAPACITY, schedulers[i], 0, 0, -1, -1, ErrorCode.NONE, null, null, 0, new byte[0]));
            reports.add(new Report(Kind.CAPACITY, schedulers[i], workers, freeSlots, -1, List.of(), List.of()));
        }
        return count;
    }

    public int callFunction(final long scheduler, final long correlationId, final long deadline, final byte[] function,
        final byte[] args)
    {
        sent.add(new Sent(Kind.CALL, scheduler, correlationId, 0, -1, -1, ErrorCode.NONE, null,
            new String(function, StandardCharsets.UTF_8), deadline, args));
        return SendStatus.OK;
    }

    public int callDag(final long scheduler, final long correlationId, final long deadline, final byte[] dag, final byte[] args)
    {
        sent.add(new Sent(Kind.CALL_DAG, scheduler, correlationId, 0, -1, -1, ErrorCode.NONE, null,
            new String(dag, StandardCharsets.UTF_8), deadline, args));
        return SendStatus.OK;
    }

    public int invocationsCompleted(final long[] schedulers, final int count, final long[] invocationIds, final int idCount)
    {
        for (int i = 0; i < count; i++)
        {
            for (int n = 0; n < idCount; n++)
            {
                sent.add(new Sent(Kind.COMPLETED, schedulers[i], 0, invocationIds[n], -1, -1, ErrorCode.NONE, null, null, 0,
                    new byte[0]));
            }
        }
        return count;
    }
}
