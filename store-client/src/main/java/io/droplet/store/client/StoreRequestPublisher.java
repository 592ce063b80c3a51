package io.droplet.store.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.SubscribeEncoder;
import io.droplet.codecs.sbe.UnsubscribeEncoder;
import io.droplet.transport.Introductions;
import io.droplet.transport.DirectSends;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes the requests of the storage protocol (Connect, KvsPut, KvsGet, KvsMultiGet, Subscribe,
 * Unsubscribe) and sends each to the storage node it names. One publisher per storage client, shared by
 * every role that talks to storage (host cache, registry, the public client), so the protocol is encoded
 * in one place.
 * <p>
 * Each message is encoded in place: space is claimed in the node's publication ({@code tryClaim}, or the
 * publisher's own buffer for a message longer than a frame) with the caller's send deadline, so the caller
 * decides whether a refused send waits (control path) or is tried once and retried on a later duty cycle.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the client's agent thread.
 */
public final class StoreRequestPublisher
{
    private final long replyTo;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final KvsPutEncoder putEncoder = new KvsPutEncoder();
    private final KvsGetEncoder getEncoder = new KvsGetEncoder();
    private final KvsMultiGetEncoder multiGetEncoder = new KvsMultiGetEncoder();
    private final SubscribeEncoder subscribeEncoder = new SubscribeEncoder();
    private final UnsubscribeEncoder unsubscribeEncoder = new UnsubscribeEncoder();
    private final DirectSends sends;

    /**
     * @param peers   where the storage nodes' publishers are.
     * @param replyTo node id of this client, where answers go.
     */
    public StoreRequestPublisher(final PeerDirectory peers, final long replyTo)
    {
        this.sends = new DirectSends(peers);
        this.replyTo = replyTo;
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
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int connect(
        final long node, final long correlationId, final long timestampNs, final String namespace, final String identity,
        final String replyEndpoint, final Introductions introductions, final long deadlineNs)
    {
        // Control path: the strings are made bytes to know the length before claiming.
        final byte[] namespaceBytes = namespace.getBytes(StandardCharsets.UTF_8);
        final byte[] identityBytes = identity.getBytes(StandardCharsets.UTF_8);
        final byte[] endpointBytes = replyEndpoint.getBytes(StandardCharsets.UTF_8);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ConnectEncoder.BLOCK_LENGTH +
            ConnectEncoder.namespaceNameHeaderLength() + namespaceBytes.length +
            ConnectEncoder.identityHeaderLength() + identityBytes.length +
            ConnectEncoder.replyEndpointHeaderLength() + endpointBytes.length;
        if (null != introductions)
        {
            // Kept before the first attempt, as a frame to send again once the link is up (or back): a node
            // that is not there yet when this one starts must still learn where to answer.
            final byte[] frame = new byte[length];
            encodeConnect(new UnsafeBuffer(frame), 0, correlationId, timestampNs, namespaceBytes, identityBytes, endpointBytes);
            introductions.remember(node, frame);
            final int status = sends.claim(node, length, deadlineNs);
            if (status != SendStatus.OK)
            {
                return status;
            }
            sends.buffer().putBytes(sends.offset(), frame, 0, length);
            return sends.commit();
        }
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        encodeConnect(sends.buffer(), sends.offset(), correlationId, timestampNs, namespaceBytes, identityBytes, endpointBytes);
        assert MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength() == length;
        return sends.commit();
    }

    private void encodeConnect(
        final MutableDirectBuffer buffer, final int offset, final long correlationId, final long timestampNs,
        final byte[] namespaceBytes, final byte[] identityBytes, final byte[] endpointBytes)
    {
        connectEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .clientNode(replyTo)
            .timestamp(timestampNs)
            .putNamespaceName(namespaceBytes, 0, namespaceBytes.length)
            .putIdentity(identityBytes, 0, identityBytes.length)
            .putReplyEndpoint(endpointBytes, 0, endpointBytes.length);
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
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int put(
        final long node, final long correlationId, final AckLevel ack,
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsPutEncoder.BLOCK_LENGTH +
            KvsPutEncoder.keyHeaderLength() + keyLength + KvsPutEncoder.valueHeaderLength() + valueLength;
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        putEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .ack(ack)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, valueOffset, valueLength);
        return sends.commit();
    }

    /**
     * Gets a key's value from a node.
     *
     * @param node          storage node.
     * @param correlationId of the get.
     * @param key           buffer holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int get(
        final long node, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsGetEncoder.BLOCK_LENGTH +
            KvsGetEncoder.keyHeaderLength() + keyLength;
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        getEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .putKey(key, keyOffset, keyLength);
        return sends.commit();
    }

    /**
     * Gets several keys from one node in one round trip (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to get.
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int multiGet(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + KvsMultiGetEncoder.BLOCK_LENGTH +
            keysLength(keys, KvsMultiGetEncoder.KeysEncoder.sbeHeaderSize(), KvsMultiGetEncoder.KeysEncoder.sbeBlockLength(),
            KvsMultiGetEncoder.KeysEncoder.keyHeaderLength());
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        multiGetEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(replyTo);
        final KvsMultiGetEncoder.KeysEncoder group = multiGetEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        assert MessageHeaderEncoder.ENCODED_LENGTH + multiGetEncoder.encodedLength() == length;
        return sends.commit();
    }

    /**
     * Subscribes this client to updates of keys a node holds (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to follow.
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int subscribe(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + SubscribeEncoder.BLOCK_LENGTH +
            keysLength(keys, SubscribeEncoder.KeysEncoder.sbeHeaderSize(), SubscribeEncoder.KeysEncoder.sbeBlockLength(),
            SubscribeEncoder.KeysEncoder.keyHeaderLength());
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        subscribeEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .subscriber(replyTo);
        final SubscribeEncoder.KeysEncoder group = subscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        assert MessageHeaderEncoder.ENCODED_LENGTH + subscribeEncoder.encodedLength() == length;
        return sends.commit();
    }

    /**
     * Stops following keys (control path: takes arrays).
     *
     * @param node          storage node.
     * @param correlationId of the request.
     * @param keys          to stop following.
     * @param deadlineNs    by which the claim must succeed.
     * @return a {@link SendStatus}.
     */
    public int unsubscribe(final long node, final long correlationId, final List<byte[]> keys, final long deadlineNs)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + UnsubscribeEncoder.BLOCK_LENGTH +
            keysLength(keys, UnsubscribeEncoder.KeysEncoder.sbeHeaderSize(), UnsubscribeEncoder.KeysEncoder.sbeBlockLength(),
            UnsubscribeEncoder.KeysEncoder.keyHeaderLength());
        final int status = sends.claim(node, length, deadlineNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        unsubscribeEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(correlationId)
            .subscriber(replyTo);
        final UnsubscribeEncoder.KeysEncoder group = unsubscribeEncoder.keysCount(keys.size());
        for (final byte[] key : keys)
        {
            group.next().putKey(key, 0, key.length);
        }
        assert MessageHeaderEncoder.ENCODED_LENGTH + unsubscribeEncoder.encodedLength() == length;
        return sends.commit();
    }

    private static int keysLength(final List<byte[]> keys, final int groupHeader, final int blockLength, final int keyHeader)
    {
        int length = groupHeader;
        for (final byte[] key : keys)
        {
            length += blockLength + keyHeader + key.length;
        }
        return length;
    }
}
