package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StoragePublisher} that records what a state machine sends (copying keys and values, which are
 * views), for tests that drive state machines with no media driver. Links are connected unless marked down.
 */
class RecordingStoragePublisher implements StoragePublisher
{
    /** One message sent. */
    record Sent(String type, long destination, long correlationId, long replyTo, ErrorCode code,
        List<byte[]> keys, List<byte[]> values)
    {
    }

    final List<Sent> sent = new ArrayList<>();
    final LongHashSet down = new LongHashSet();
    /** Destinations that are not there: an ack or key update to one answers UNKNOWN_DESTINATION. */
    final LongHashSet unknown = new LongHashSet();

    List<Sent> ofType(final String type)
    {
        final List<Sent> result = new ArrayList<>();
        for (final Sent message : sent)
        {
            if (message.type().equals(type))
            {
                result.add(message);
            }
        }
        return result;
    }

    static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[Math.max(0, length)];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    private static List<byte[]> keysOf(final EntryBatch entries)
    {
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < entries.count(); i++)
        {
            keys.add(copy(entries.keys(), entries.keyOffset(i), entries.keyLength(i)));
        }
        return keys;
    }

    private static List<byte[]> valuesOf(final EntryBatch entries)
    {
        final List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < entries.count(); i++)
        {
            values.add(entries.valueLength(i) < 0 ? null : copy(entries.values(), entries.valueOffset(i), entries.valueLength(i)));
        }
        return values;
    }

    public int connected(final long clientNode, final long correlationId, final long sessionId)
    {
        sent.add(new Sent("connected", clientNode, correlationId, 0, ErrorCode.NONE, List.of(), List.of()));
        return SendStatus.OK;
    }

    public int getResponse(final long replyTo, final long correlationId, final ErrorCode code, final EntryBatch entries)
    {
        sent.add(new Sent("getResponse", replyTo, correlationId, 0, code, keysOf(entries), valuesOf(entries)));
        return SendStatus.OK;
    }

    public int putResponse(final long replyTo, final long correlationId, final ErrorCode code)
    {
        sent.add(new Sent("putResponse", replyTo, correlationId, 0, code, List.of(), List.of()));
        return SendStatus.OK;
    }

    public int error(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        sent.add(new Sent("error", replyTo, correlationId, 0, code, List.of(), List.of()));
        return SendStatus.OK;
    }

    public int replicaMerge(
        final long replica, final long forwardId, final long replyTo, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        sent.add(new Sent("replicaMerge", replica, forwardId, replyTo, ErrorCode.NONE,
            List.of(copy(buffer, keyOffset, keyLength)), List.of(copy(buffer, valueOffset, valueLength))));
        return SendStatus.OK;
    }

    public int ack(final long replyTo, final long correlationId)
    {
        sent.add(new Sent("ack", replyTo, correlationId, 0, ErrorCode.NONE, List.of(), List.of()));
        return unknown.contains(replyTo) ? SendStatus.UNKNOWN_DESTINATION : SendStatus.OK;
    }

    public int keyUpdate(
        final long subscriber, final long source, final long timestampNs, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        sent.add(new Sent("keyUpdate", subscriber, timestampNs, source, ErrorCode.NONE,
            List.of(copy(key, keyOffset, keyLength)), List.of(copy(value, valueOffset, valueLength))));
        return unknown.contains(subscriber) ? SendStatus.UNKNOWN_DESTINATION : SendStatus.OK;
    }

    public int gossip(final long peer, final long sender, final long round, final EntryBatch entries)
    {
        sent.add(new Sent("gossip", peer, round, sender, ErrorCode.NONE, keysOf(entries), valuesOf(entries)));
        return SendStatus.OK;
    }

    public int replyToRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        sent.add(new Sent("rejected", 0, 0, 0, ErrorCode.MALFORMED, List.of(), List.of()));
        return SendStatus.OK;
    }

    public boolean isConnected(final long node)
    {
        return !down.contains(node);
    }
}
