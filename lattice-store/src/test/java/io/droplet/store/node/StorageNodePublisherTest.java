package io.droplet.store.node;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.GossipDecoder;
import io.droplet.codecs.sbe.KeyUpdateDecoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsMergeDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
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
 * The publisher's variable-length messages: each is claimed at the length computed before encoding, so
 * the computed length must be exactly what is encoded; and what is encoded must decode to what was given
 * (through the node's own adapter where a storage node receives the message). No media driver: the
 * encoding is done into a plain buffer at a non-zero offset.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StorageNodePublisherTest
{
    private static final int OFFSET = 24;

    private final StorageNodePublisher publisher = new StorageNodePublisher(null, null, 0, null);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[8192]);
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    private EntryBatch entries(final String[] keys, final String[] values)
    {
        final EntryBatch batch = new EntryBatch(1).reset(source, source);
        int at = 3;
        for (int i = 0; i < keys.length; i++)
        {
            final byte[] key = bytes(keys[i]);
            source.putBytes(at, key);
            final int keyOffset = at;
            at += key.length + 2;
            if (null == values[i])
            {
                batch.add(keyOffset, key.length, 0, -10);
            }
            else
            {
                final byte[] value = bytes(values[i]);
                source.putBytes(at, value);
                batch.add(keyOffset, key.length, at, value.length);
                at += value.length + 1;
            }
        }
        return batch;
    }

    @Test
    void aGetResponseIsAsLongAsClaimedAndCarriesEveryEntry()
    {
        final EntryBatch batch = entries(new String[]{ "a", "bb", "ccc" }, new String[]{ "x", null, "zzz" });
        final int length = publisher.encodeGetResponse(out, OFFSET, 5, ErrorCode.NONE, batch);
        assertEquals(StorageNodePublisher.getResponseLength(batch), length);

        final KvsGetResponseDecoder decoder = new KvsGetResponseDecoder().wrapAndApplyHeader(out, OFFSET, header);
        assertEquals(5, decoder.correlationId());
        final List<String> seen = new ArrayList<>();
        for (final KvsGetResponseDecoder.EntriesDecoder entry : decoder.entries())
        {
            final boolean found = entry.found() == BooleanType.TRUE;
            final byte[] key = new byte[entry.keyLength()];
            entry.getKey(key, 0, key.length);
            final byte[] value = new byte[entry.valueLength()];
            entry.getValue(value, 0, value.length);
            final String text = new String(value, java.nio.charset.StandardCharsets.UTF_8);
            seen.add(new String(key, java.nio.charset.StandardCharsets.UTF_8) + "=" + (found ? text : "-" + text));
        }
        assertEquals(List.of("a=x", "bb=-", "ccc=zzz"), seen);
        assertEquals(OFFSET + length, decoder.limit(), "decoded to the end of the claim");
    }

    @Test
    void gossipAndMergesRoundTripThroughTheAdapter()
    {
        final List<String> heard = new ArrayList<>();
        final StorageNodeAdapter adapter = new StorageNodeAdapter(new Heard(heard), 1);

        final EntryBatch batch = entries(new String[]{ "k1", "key-two" }, new String[]{ "v1", "value-two" });
        int length = publisher.encodeGossip(out, OFFSET, 3, 9, batch);
        assertEquals(StorageNodePublisher.gossipLength(batch), length);
        adapter.onFrame(GossipDecoder.TEMPLATE_ID, out, OFFSET, length);

        source.putBytes(100, bytes("mk"));
        source.putBytes(110, bytes("mvalue"));
        length = publisher.encodeMerge(out, OFFSET, 44, 1, source, 100, 2, 110, 6);
        assertEquals(StorageNodePublisher.mergeLength(2, 6), length);
        adapter.onFrame(KvsMergeDecoder.TEMPLATE_ID, out, OFFSET, length);

        assertEquals(List.of("gossip 3 9 k1=v1 key-two=value-two", "merge 44 1 mk=mvalue"), heard);
    }

    @Test
    void aKeyUpdateIsAsLongAsClaimed()
    {
        source.putBytes(7, bytes("watched"));
        source.putBytes(30, bytes("merged"));
        final int length = publisher.encodeKeyUpdate(out, OFFSET, 2, 1_000, source, 7, 7, source, 30, 6);
        assertEquals(StorageNodePublisher.keyUpdateLength(7, 6), length);

        final KeyUpdateDecoder decoder = new KeyUpdateDecoder().wrapAndApplyHeader(out, OFFSET, header);
        assertEquals(2, decoder.source());
        assertEquals(1_000, decoder.timestamp());
        final byte[] key = new byte[decoder.keyLength()];
        decoder.getKey(key, 0, key.length);
        final byte[] value = new byte[decoder.valueLength()];
        decoder.getValue(value, 0, value.length);
        assertArrayEquals(bytes("watched"), key);
        assertArrayEquals(bytes("merged"), value);
        assertEquals(OFFSET + length, decoder.limit());
    }

    private static final class Heard implements StorageNodeListener
    {
        private final List<String> heard;

        Heard(final List<String> heard)
        {
            this.heard = heard;
        }

        private static String text(final DirectBuffer buffer, final int offset, final int length)
        {
            return new String(copy(buffer, offset, length), java.nio.charset.StandardCharsets.UTF_8);
        }

        public void onGossip(final long sender, final long round, final EntryBatch entries)
        {
            final StringBuilder line = new StringBuilder("gossip " + sender + " " + round);
            for (int i = 0; i < entries.count(); i++)
            {
                line.append(' ').append(text(entries.keys(), entries.keyOffset(i), entries.keyLength(i)))
                    .append('=').append(text(entries.values(), entries.valueOffset(i), entries.valueLength(i)));
            }
            heard.add(line.toString());
        }

        public void onReplicaMerge(
            final long correlationId, final long replyTo, final DirectBuffer buffer,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
            heard.add("merge " + correlationId + " " + replyTo + " " + text(buffer, keyOffset, keyLength) + "=" +
                text(buffer, valueOffset, valueLength));
        }

        public void onConnect(final long correlationId, final long clientNode, final String replyEndpoint)
        {
        }

        public void onGet(final long correlationId, final long replyTo, final DirectBuffer buffer, final int keyOffset, final int keyLength)
        {
        }

        public void onMultiGet(final long correlationId, final long replyTo, final EntryBatch keys)
        {
        }

        public void onPut(
            final long correlationId, final long replyTo, final AckLevel ack, final DirectBuffer buffer,
            final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
        {
        }

        public void onReplicaAck(final long forwardId, final ErrorCode code)
        {
        }

        public void onSubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
        {
        }

        public void onUnsubscribe(final long correlationId, final long subscriber, final EntryBatch keys)
        {
        }

        public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
        {
        }
    }
}
