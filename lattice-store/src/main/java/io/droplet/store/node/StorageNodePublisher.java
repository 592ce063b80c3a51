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
import io.droplet.transport.DeferredSends;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * Encodes a storage node's messages in place: each is sized first, claimed, encoded with a reused
 * flyweight at the claimed offset and committed.
 * <p>
 * Answers, forwards and pushes are claimed through the node's {@link DeferredSends}: in the publication's
 * term when the link is ready and nothing waits for that destination, otherwise in a scratch buffer whose
 * message is kept and offered again by {@link #retry(long)} (a client's first answer often goes out before
 * its link has connected). Gossip is claimed on the publication directly, waiting no longer than the send
 * timeout: a batch that cannot go now must stay with anti-entropy, which keeps its keys for the next round,
 * rather than be kept here and possibly given up. A send that fails is counted in
 * {@link #repliesUndeliverable()} and left to the caller (a forward's ack times out).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
public final class StorageNodePublisher implements StoragePublisher
{
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final NodeChannels channels;
    private final NanoClock clock;
    private final long sendTimeoutNs;
    private final DeferredSends deferredSends;
    private final ErrorReplier errorReplier;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final KvsGetResponseEncoder getResponseEncoder = new KvsGetResponseEncoder();
    private final KvsPutResponseEncoder putResponseEncoder = new KvsPutResponseEncoder();
    private final KvsMergeEncoder mergeEncoder = new KvsMergeEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final KeyUpdateEncoder keyUpdateEncoder = new KeyUpdateEncoder();
    private final GossipEncoder gossipEncoder = new GossipEncoder();
    private MessagePublisher claimedPublisher;
    private MutableDirectBuffer claimedBuffer;
    private int claimedOffset;
    private long repliesUndeliverable;

    /**
     * @param channels      of the node.
     * @param clock         the send deadlines are on (the transport's).
     * @param sendTimeoutNs how long a gossip send may wait for its link.
     * @param deferredSends keeps the answers whose link is not ready; {@link #retry(long)} offers them again.
     */
    public StorageNodePublisher(
        final NodeChannels channels, final NanoClock clock, final long sendTimeoutNs, final DeferredSends deferredSends)
    {
        this.channels = channels;
        this.clock = clock;
        this.sendTimeoutNs = sendTimeoutNs;
        this.deferredSends = deferredSends;
        this.errorReplier = new ErrorReplier(channels, deferredSends);
    }

    /**
     * Offers the kept messages again; gives up those whose retry window passed.
     *
     * @param nowNs current time.
     * @return messages sent.
     */
    public int retry(final long nowNs)
    {
        return deferredSends.size() > 0 ? deferredSends.retry(nowNs) : 0;
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
        connectedEncoder.wrapAndApplyHeader(claimedBuffer, claimedOffset, headerEncoder)
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
        final int status = claim(replyTo, getResponseLength(entries));
        if (status != SendStatus.OK)
        {
            return status;
        }
        encodeGetResponse(claimedBuffer, claimedOffset, correlationId, code, entries);
        return commit();
    }

    static int getResponseLength(final EntryBatch entries)
    {
        int length = HEADER + KvsGetResponseEncoder.BLOCK_LENGTH + KvsGetResponseEncoder.EntriesEncoder.sbeHeaderSize();
        for (int i = 0, count = entries.count(); i < count; i++)
        {
            length += KvsGetResponseEncoder.EntriesEncoder.sbeBlockLength() +
                KvsGetResponseEncoder.EntriesEncoder.keyHeaderLength() + entries.keyLength(i) +
                KvsGetResponseEncoder.EntriesEncoder.valueHeaderLength() + Math.max(0, entries.valueLength(i));
        }
        return length;
    }

    /**
     * @return the encoded length, header included.
     */
    int encodeGetResponse(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final ErrorCode code,
        final EntryBatch entries)
    {
        final int count = entries.count();
        final KvsGetResponseEncoder.EntriesEncoder encoder = getResponseEncoder
            .wrapAndApplyHeader(buffer, offset, headerEncoder)
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
        return HEADER + getResponseEncoder.encodedLength();
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
        putResponseEncoder.wrapAndApplyHeader(claimedBuffer, claimedOffset, headerEncoder)
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
        final int status = claim(replica, mergeLength(keyLength, valueLength));
        if (status != SendStatus.OK)
        {
            return status;
        }
        encodeMerge(claimedBuffer, claimedOffset, forwardId, replyTo, buffer, keyOffset, keyLength, valueOffset, valueLength);
        return commit();
    }

    static int mergeLength(final int keyLength, final int valueLength)
    {
        return HEADER + KvsMergeEncoder.BLOCK_LENGTH + KvsMergeEncoder.keyHeaderLength() + keyLength +
            KvsMergeEncoder.valueHeaderLength() + valueLength;
    }

    /**
     * @return the encoded length, header included.
     */
    int encodeMerge(
        final MutableDirectBuffer out, final int offset, final long forwardId, final long replyTo, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        mergeEncoder.wrapAndApplyHeader(out, offset, headerEncoder)
            .correlationId(forwardId)
            .replyTo(replyTo)
            .putKey(buffer, keyOffset, keyLength)
            .putValue(buffer, valueOffset, valueLength);
        return HEADER + mergeEncoder.encodedLength();
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
        ackEncoder.wrapAndApplyHeader(claimedBuffer, claimedOffset, headerEncoder).correlationId(correlationId);
        return commit();
    }

    /**
     * {@inheritDoc}
     */
    public int keyUpdate(
        final long subscriber, final long source, final long timestampNs, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final int status = claim(subscriber, keyUpdateLength(keyLength, valueLength));
        if (status != SendStatus.OK)
        {
            return status;
        }
        encodeKeyUpdate(claimedBuffer, claimedOffset, source, timestampNs, key, keyOffset, keyLength, value, valueOffset, valueLength);
        return commit();
    }

    static int keyUpdateLength(final int keyLength, final int valueLength)
    {
        return HEADER + KeyUpdateEncoder.BLOCK_LENGTH + KeyUpdateEncoder.keyHeaderLength() + keyLength +
            KeyUpdateEncoder.valueHeaderLength() + valueLength;
    }

    /**
     * @return the encoded length, header included.
     */
    int encodeKeyUpdate(
        final MutableDirectBuffer out, final int offset, final long source, final long timestampNs,
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        keyUpdateEncoder.wrapAndApplyHeader(out, offset, headerEncoder)
            .source(source)
            .timestamp(timestampNs)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, valueOffset, valueLength);
        return HEADER + keyUpdateEncoder.encodedLength();
    }

    /**
     * {@inheritDoc}
     */
    public int gossip(final long peer, final long sender, final long round, final EntryBatch entries)
    {
        final int status = claimNow(peer, gossipLength(entries));
        if (status != SendStatus.OK)
        {
            return status;
        }
        encodeGossip(claimedBuffer, claimedOffset, sender, round, entries);
        return commit();
    }

    static int gossipLength(final EntryBatch entries)
    {
        int length = HEADER + GossipEncoder.BLOCK_LENGTH + GossipEncoder.EntriesEncoder.sbeHeaderSize();
        for (int i = 0, count = entries.count(); i < count; i++)
        {
            length += GossipEncoder.EntriesEncoder.sbeBlockLength() +
                GossipEncoder.EntriesEncoder.keyHeaderLength() + entries.keyLength(i) +
                GossipEncoder.EntriesEncoder.valueHeaderLength() + Math.max(0, entries.valueLength(i));
        }
        return length;
    }

    /**
     * @return the encoded length, header included.
     */
    int encodeGossip(
        final MutableDirectBuffer out, final int offset, final long sender, final long round, final EntryBatch entries)
    {
        final int count = entries.count();
        final GossipEncoder.EntriesEncoder encoder = gossipEncoder
            .wrapAndApplyHeader(out, offset, headerEncoder)
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
        return HEADER + gossipEncoder.encodedLength();
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
        final int status = deferredSends.claim(destination, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            repliesUndeliverable++;
            return status;
        }
        claimedPublisher = null;
        claimedBuffer = deferredSends.buffer();
        claimedOffset = deferredSends.offset();
        return SendStatus.OK;
    }

    /**
     * Claims on the destination's publication, waiting no longer than the send timeout, never kept.
     */
    private int claimNow(final long destination, final int length)
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
        claimedPublisher = publisher;
        claimedBuffer = publisher.buffer();
        claimedOffset = publisher.offset();
        return SendStatus.OK;
    }

    private int commit()
    {
        final MessagePublisher publisher = claimedPublisher;
        claimedPublisher = null;
        claimedBuffer = null;
        final int status = null != publisher ? publisher.commit() : deferredSends.commit();
        if (status != SendStatus.OK)
        {
            repliesUndeliverable++;
        }
        return status;
    }
}
