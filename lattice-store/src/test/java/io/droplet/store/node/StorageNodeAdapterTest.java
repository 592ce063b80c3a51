package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.GossipEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsMultiGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.SubscribeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.droplet.store.node.RecordingStoragePublisher.copy;
import static io.droplet.store.node.ShardFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The adapter decodes each storage message into one typed listener call, with keys and values as views
 * into the frame (the frame is placed at a non-zero offset to catch offsets taken from the wrong origin).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StorageNodeAdapterTest
{
    private static final int FRAME_OFFSET = 40;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final List<String> calls = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();
    private final StorageNodeAdapter adapter = new StorageNodeAdapter(new Listener(), 1);

    private final class Listener implements StorageNodeListener
    {
        public void onConnect(final long correlationId, final long clientNode, final String replyEndpoint)
        {
            calls.add("connect " + correlationId + " " + clientNode + " " + replyEndpoint);
        }

        public void onGet(final long correlationId, final long replyTo, final DirectBuffer frame, final int keyOffset, final int keyLength)
        {
            calls.add("get " + correlationId + " " + replyTo);
            data.add(copy(frame, keyOffset, keyLength));
        }

        public void onMultiGet(final long correlationId, final long replyTo, final EntryBatch keys)
        {
            calls.add("multiGet " + correlationId + " " + replyTo + " " + keys.count());
            addKeys(keys, false);
        }

        public void onPut(
            final long correlationId, final long replyTo, final AckLevel ack, final DirectBuffer frame,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
            calls.add("put " + correlationId + " " + replyTo + " " + ack);
            data.add(copy(frame, keyOffset, keyLength));
            data.add(copy(frame, valueOffset, valueLength));
        }

        public void onReplicaMerge(
            final long correlationId, final long replyTo, final DirectBuffer frame,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
            calls.add("merge " + correlationId + " " + replyTo);
        }

        public void onReplicaAck(final long forwardId, final ErrorCode code)
        {
            calls.add("ack " + forwardId + " " + code);
        }

        public void onGossip(final long sender, final long round, final EntryBatch entries)
        {
            calls.add("gossip " + sender + " " + round + " " + entries.count());
            addKeys(entries, true);
        }

        public void onSubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
        {
            calls.add("subscribe " + correlationId + " " + subscriber + " " + keys.count());
            addKeys(keys, false);
        }

        public void onUnsubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
        {
            calls.add("unsubscribe " + correlationId + " " + subscriber + " " + keys.count());
        }

        public void onRejected(final FrameRejection rejection, final DirectBuffer frame, final int offset, final int length)
        {
            calls.add("rejected " + rejection);
        }

        private void addKeys(final EntryBatch entries, final boolean withValues)
        {
            for (int i = 0; i < entries.count(); i++)
            {
                data.add(copy(entries.keys(), entries.keyOffset(i), entries.keyLength(i)));
                if (withValues)
                {
                    data.add(copy(entries.values(), entries.valueOffset(i), entries.valueLength(i)));
                }
            }
        }
    }

    private void deliver(final int templateId, final int length)
    {
        adapter.onFrame(templateId, buffer, FRAME_OFFSET, length);
    }

    @Test
    void aPutIsOneCallWithKeyAndValueViews()
    {
        final KvsPutEncoder put = new KvsPutEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header)
            .correlationId(9).replyTo(77).ack(AckLevel.ALL);
        put.putKey(bytes("key"), 0, 3).putValue(bytes("value!"), 0, 6);
        deliver(KvsPutEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + put.encodedLength());

        assertEquals(List.of("put 9 77 ALL"), calls);
        assertArrayEquals(bytes("key"), data.get(0));
        assertArrayEquals(bytes("value!"), data.get(1));
    }

    @Test
    void getsAndAcksCarryTheirFields()
    {
        final KvsGetEncoder get = new KvsGetEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header)
            .correlationId(1).replyTo(2).putKey(bytes("k1"), 0, 2);
        deliver(KvsGetEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength());
        new KvsPutResponseEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header).correlationId(5).code(ErrorCode.TIMEOUT);
        deliver(KvsPutResponseEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + KvsPutResponseEncoder.BLOCK_LENGTH);
        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header)
            .correlationId(3).clientNode(4).timestamp(0).namespaceName("ns").identity("me").replyEndpoint("127.0.0.1:1:2");
        deliver(ConnectEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());

        assertEquals(List.of("get 1 2", "ack 5 TIMEOUT", "connect 3 4 127.0.0.1:1:2"), calls);
        assertArrayEquals(bytes("k1"), data.get(0));
    }

    @Test
    void groupsArriveAsOneBatchOfViews()
    {
        final KvsMultiGetEncoder multiGet = new KvsMultiGetEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header)
            .correlationId(11).replyTo(12);
        final KvsMultiGetEncoder.KeysEncoder keys = multiGet.keysCount(3);
        keys.next().putKey(bytes("a"), 0, 1);
        keys.next().putKey(bytes("bb"), 0, 2);
        keys.next().putKey(bytes("ccc"), 0, 3);
        deliver(KvsMultiGetEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + multiGet.encodedLength());

        final GossipEncoder gossip = new GossipEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header).sender(2).round(8);
        final GossipEncoder.EntriesEncoder entries = gossip.entriesCount(2);
        entries.next().putKey(bytes("x"), 0, 1).putValue(bytes("vx"), 0, 2);
        entries.next().putKey(bytes("yy"), 0, 2).putValue(bytes("vyy"), 0, 3);
        deliver(GossipEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + gossip.encodedLength());

        final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, FRAME_OFFSET, header)
            .correlationId(21).subscriber(22);
        subscribe.keysCount(1).next().putKey(bytes("w"), 0, 1);
        deliver(SubscribeEncoder.TEMPLATE_ID, MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength());

        assertEquals(List.of("multiGet 11 12 3", "gossip 2 8 2", "subscribe 21 22 1"), calls);
        final List<String> seen = new ArrayList<>();
        for (final byte[] bytes : data)
        {
            seen.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(List.of("a", "bb", "ccc", "x", "vx", "yy", "vyy", "w"), seen);
    }
}
