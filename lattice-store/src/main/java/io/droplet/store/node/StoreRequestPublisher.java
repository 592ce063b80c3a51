package io.droplet.store.node;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.SubscribeEncoder;
import io.droplet.codecs.sbe.UnsubscribeEncoder;
import io.droplet.transport.Introductions;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes the requests of the storage protocol (Connect, KvsPut, KvsGet, KvsMultiGet, Subscribe,
 * Unsubscribe) and sends each to the storage node it names. One publisher per storage client, shared by
 * every role that talks to storage (host cache, registry, the public client), so the protocol is encoded
 * in one place.
 * <p>
 * Each message is encoded into one reused buffer and offered with the caller's send deadline: the caller
 * decides whether a refused send waits (control path) or is tried once and retried on a later duty cycle.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread.
 */
public final class StoreRequestPublisher
{
    private final PeerDirectory peers;
    private final long replyTo;
    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final KvsPutEncoder putEncoder = new KvsPutEncoder();
    private final KvsGetEncoder getEncoder = new KvsGetEncoder();
    private final KvsMultiGetEncoder multiGetEncoder = new KvsMultiGetEncoder();
    private final SubscribeEncoder subscribeEncoder = new SubscribeEncoder();
    private final UnsubscribeEncoder unsubscribeEncoder = new UnsubscribeEncoder();

    /**
     * @param peers            where the storage nodes' publishers are.
     * @param replyTo          node id of this client, where answers go.
     * @param maxMessageLength largest message the transport carries.
     */
    public StoreRequestPublisher(final PeerDirectory peers, final long replyTo, final int maxMessageLength)
    {
        this.peers = peers;
        this.replyTo = replyTo;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
    }

    /**
     * Introduces this client to a node (where to answer, and who it is), and has {@code introductions}
     * keep the frame so it is sent again when the node may have restarted.
     *
     * @param node          to introduce this client to.
     * @param correlationId of the Connect.
     * @param timestampNs   epoch time of the Connect.
     * @param namespace     of the client ("" on an open deployment).
     * @param identity      of the client ("" on an open deployment).
     * @param replyEndpoint where this client receives.
     * @param introductions to remember the frame in, or null to send it only once.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int connect(
        final long node, final long correlationId, final long timestampNs, final String namespace, final String identity,
        final String replyEndpoint, final Introductions introductions, final long deadlineNs)
    {
        connectEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .clientNode(replyTo)
            .timestamp(timestampNs)
            .namespaceName(namespace)
            .identity(identity)
            .replyEndpoint(replyEndpoint);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();
        if (null != introductions)
        {
            // Control path: the introduction is kept as a frame to send again after the link comes back.
            final byte[] frame = new byte[length];
            buffer.getBytes(0, frame);
            introductions.remember(node, frame);
        }
        return offer(node, length, deadlineNs);
    }

    /**
     * Puts (merges) a lattice value through a node, which coordinates the key's replicas.
     *
     * @param node          coordinating storage node.
     * @param correlationId of the put.
     * @param ack           ONE or ALL.
     * @param key           buffer holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param value         buffer holding the encoded lattice.
     * @param valueOffset   of the value.
     * @param valueLength   of the value.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int put(
        final long node, final long correlationId, final AckLevel ack,
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsPutEncoder.BLOCK_LENGTH +
            KvsPutEncoder.keyHeaderLength() + keyLength + KvsPutEncoder.valueHeaderLength() + valueLength;
        if (length > buffer.capacity())
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        putEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .ack(ack)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, valueOffset, valueLength);
        return offer(node, length, deadlineNs);
    }

    /**
     * Gets a key's value from a node.
     *
     * @param node          storage node.
     * @param correlationId of the get.
     * @param key           buffer holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int get(
        final long node, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsGetEncoder.BLOCK_LENGTH +
            KvsGetEncoder.keyHeaderLength() + keyLength;
        if (length > buffer.capacity())
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        getEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .putKey(key, keyOffset, keyLength);
        return offer(node, length, deadlineNs);
    }

    /**
     * Gets several keys from one node in one round trip (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to get.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int multiGet(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        multiGetEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo);
        final KvsMultiGetEncoder.KeysEncoder group = multiGetEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return offer(node, MessageHeaderEncoder.ENCODED_LENGTH + multiGetEncoder.encodedLength(), deadlineNs);
    }

    /**
     * Subscribes this client to updates of keys a node holds (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to follow.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int subscribe(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        subscribeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .subscriber(replyTo);
        final SubscribeEncoder.KeysEncoder group = subscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return offer(node, MessageHeaderEncoder.ENCODED_LENGTH + subscribeEncoder.encodedLength(), deadlineNs);
    }

    /**
     * Stops following keys (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to stop following.
     * @param deadlineNs    by which the offer must succeed.
     * @return a {@link SendStatus}.
     */
    public int unsubscribe(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        unsubscribeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .subscriber(replyTo);
        final UnsubscribeEncoder.KeysEncoder group = unsubscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        return offer(node, MessageHeaderEncoder.ENCODED_LENGTH + unsubscribeEncoder.encodedLength(), deadlineNs);
    }

    private int offer(final long node, final int length, final long deadlineNs)
    {
        final MessagePublisher publisher = peers.publisher(node);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        return publisher.offer(buffer, 0, length, deadlineNs);
    }
}
