package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckEncoder;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ConnectedEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.GossipEncoder;
import io.droplet.codecs.sbe.KeyUpdateEncoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.KvsMergeEncoder;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * Encodes a storage node's messages in place: each is sized first, claimed on the destination's
 * publication ({@code tryClaim} when it fits a frame), encoded with a reused flyweight at the claimed
 * offset and committed. A claim waits for the link up to the send timeout, as the node's sends always did;
 * a send that fails is counted in {@link #repliesUndeliverable()} and left to the caller (a forward's ack
 * times out, gossip keeps its keys for the next round).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
public final class StorageNodePublisher implements StoragePublisher
{
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final NodeChannels channels;
    private final NanoClock clock;
    private final long sendTimeoutNs;
    private final ErrorReplier errorReplier;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final KvsGetResponseEncoder getResponseEncoder = new KvsGetResponseEncoder();
    private final KvsPutResponseEncoder putResponseEncoder = new KvsPutResponseEncoder();
    private final KvsMergeEncoder mergeEncoder = new KvsMergeEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final KeyUpdateEncoder keyUpdateEncoder = new KeyUpdateEncoder();
    private final GossipEncoder gossipEncoder = new GossipEncoder();
    private MessagePublisher claimed;
    private long repliesUndeliverable;

    /**
     * @param channels      of the node.
     * @param clock         the send deadlines are on (the transport's).
     * @param sendTimeoutNs how long a send may wait for its link.
     */
    public StorageNodePublisher(final NodeChannels channels, final NanoClock clock, final long sendTimeoutNs)
    {
        this.channels = channels;
        this.clock = clock;
        this.sendTimeoutNs = sendTimeoutNs;
        this.errorReplier = new ErrorReplier(channels);
    }

    /**
     * @return messages that could not be sent because the destination is unknown or unreachable.
     */
    public long repliesUndeliverable()
    {
        return repliesUndeliverable;
    }

    /**
     * {@inheritDoc}
     */
    public int connected(final long clientNode, final long correlationId, final long sessionId)
    {
        final int status = claim(clientNode, HEADER + ConnectedEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        connectedEncoder.wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(sessionId)
            .leaseTimeoutNs(0);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int getResponse(final long replyTo, final long correlationId, final ErrorCode code, final EntryBatch entries)
    {
        final int count = entries.count();
        int length = HEADER + KvsGetResponseEncoder.BLOCK_LENGTH + KvsGetResponseEncoder.EntriesEncoder.sbeHeaderSize();
        for (int i = 0; i < count; i++)
        {
            length += KvsGetResponseEncoder.EntriesEncoder.sbeBlockLength() +
                KvsGetResponseEncoder.EntriesEncoder.keyHeaderLength() + entries.keyLength(i) +
                KvsGetResponseEncoder.EntriesEncoder.valueHeaderLength() + Math.max(0, entries.valueLength(i));
        }
        final int status = claim(replyTo, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        final KvsGetResponseEncoder.EntriesEncoder encoder = getResponseEncoder
            .wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .entriesCount(count);
        final DirectBuffer keys = entries.keys();
        final DirectBuffer values = entries.values();
        for (int i = 0; i < count; i++)
        {
            final int valueLength = entries.valueLength(i);
            encoder.next()
                .found(valueLength >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
                .putKey(keys, entries.keyOffset(i), entries.keyLength(i))
                .putValue(values, entries.valueOffset(i), Math.max(0, valueLength));
        }
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int putResponse(final long replyTo, final long correlationId, final ErrorCode code)
    {
        final int status = claim(replyTo, HEADER + KvsPutResponseEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        putResponseEncoder.wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(code);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int error(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        return errorReplier.reply(replyTo, correlationId, code, detail);
    }

    /**
     * {@inheritDoc}
     */
    public int replicaMerge(
        final long replica, final long forwardId, final long replyTo, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final int length = HEADER + KvsMergeEncoder.BLOCK_LENGTH + KvsMergeEncoder.keyHeaderLength() + keyLength +
            KvsMergeEncoder.valueHeaderLength() + valueLength;
        final int status = claim(replica, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        mergeEncoder.wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .correlationId(forwardId)
            .replyTo(replyTo)
            .putKey(buffer, keyOffset, keyLength)
            .putValue(buffer, valueOffset, valueLength);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int ack(final long replyTo, final long correlationId)
    {
        final int status = claim(replyTo, HEADER + AckEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        ackEncoder.wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder).correlationId(correlationId);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int keyUpdate(
        final long subscriber, final long source, final long timestampNs, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final int length = HEADER + KeyUpdateEncoder.BLOCK_LENGTH + KeyUpdateEncoder.keyHeaderLength() + keyLength +
            KeyUpdateEncoder.valueHeaderLength() + valueLength;
        final int status = claim(subscriber, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        keyUpdateEncoder.wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .source(source)
            .timestamp(timestampNs)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, valueOffset, valueLength);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int gossip(final long peer, final long sender, final long round, final EntryBatch entries)
    {
        final int count = entries.count();
        int length = HEADER + GossipEncoder.BLOCK_LENGTH + GossipEncoder.EntriesEncoder.sbeHeaderSize();
        for (int i = 0; i < count; i++)
        {
            length += GossipEncoder.EntriesEncoder.sbeBlockLength() +
                GossipEncoder.EntriesEncoder.keyHeaderLength() + entries.keyLength(i) +
                GossipEncoder.EntriesEncoder.valueHeaderLength() + Math.max(0, entries.valueLength(i));
        }
        final int status = claim(peer, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        final GossipEncoder.EntriesEncoder encoder = gossipEncoder
            .wrapAndApplyHeader(claimed.buffer(), claimed.offset(), headerEncoder)
            .sender(sender)
            .round(round)
            .entriesCount(count);
        final DirectBuffer keys = entries.keys();
        final DirectBuffer values = entries.values();
        for (int i = 0; i < count; i++)
        {
            encoder.next()
                .putKey(keys, entries.keyOffset(i), entries.keyLength(i))
                .putValue(values, entries.valueOffset(i), Math.max(0, entries.valueLength(i)));
        }
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int replyToRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        return errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean isConnected(final long node)
    {
        final MessagePublisher publisher = channels.peers().publisher(node);
        return null != publisher && publisher.isConnected();
    }

    private int claim(final long destination, final int length)
    {
        final MessagePublisher publisher = channels.peers().publisher(destination);
        if (null == publisher)
        {
            repliesUndeliverable++;
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status = publisher.claim(length, clock.nanoTime() + sendTimeoutNs);
        if (status != SendStatus.OK)
        {
            repliesUndeliverable++;
            return status;
        }
        claimed = publisher;
        return SendStatus.OK;
    }

    private int commit()
    {
        final MessagePublisher publisher = claimed;
        claimed = null;
        final int status = publisher.commit();
        if (status != SendStatus.OK)
        {
            repliesUndeliverable++;
        }
        return status;
    }
}
