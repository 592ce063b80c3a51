package io.droplet.store.node;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * Serves reads from this node's store: a get answers one entry (KEY_NOT_FOUND when absent); a multi-get
 * answers every key in one response, or PAYLOAD_TOO_LARGE when the answer would not fit a message. A key
 * whose value this store dropped as corrupt, and has not had again, is answered with an error DATA_LOST
 * (for a multi-get, if any of its keys is), never as absent: a reader must be able to tell a value lost
 * from one never written. Values
 * are read into one reused buffer and the answer is encoded in place by the publisher.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class ShardReader
{
    /** Room kept free in a multi-get answer for its framing, as before. */
    private static final int MESSAGE_RESERVE = 1024;
    /** Framing of one answered entry, over-estimated. */
    private static final int ENTRY_OVERHEAD = 16;

    private static final String LOST = "the value was lost: this storage node dropped it as corrupt (a damaged store " +
        "file) and has not had it again from the key's other replicas or a put";

    private final LatticeStore store;
    private final StoragePublisher publisher;
    private final AtomicCounter gets;
    private final AtomicCounter readsDataLost;
    private final AtomicCounter getsTooLarge;
    private final int maxMessageLength;
    private final UnsafeBuffer values;
    private final EntryBatch answer;

    /**
     * @param store            to read.
     * @param publisher        to answer with.
     * @param gets             counts keys read.
     * @param readsDataLost    counts reads answered DATA_LOST.
     * @param maxMessageLength longest answer.
     * @param maxGroupCount    most keys in a multi-get, sizing the reused answer.
     * @param getsTooLarge     counts gets answered PAYLOAD_TOO_LARGE.
     */
    ShardReader(
        final LatticeStore store,
        final StoragePublisher publisher,
        final AtomicCounter gets,
        final AtomicCounter readsDataLost,
        final int maxMessageLength,
        final int maxGroupCount,
        final AtomicCounter getsTooLarge)
    {
        this.getsTooLarge = getsTooLarge;
        this.store = store;
        this.publisher = publisher;
        this.gets = gets;
        this.readsDataLost = readsDataLost;
        this.maxMessageLength = maxMessageLength;
        this.values = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.answer = new EntryBatch(maxGroupCount);
    }

    /**
     * Answers a get of one key: its entry, KEY_NOT_FOUND, or PAYLOAD_TOO_LARGE when the answer (the key echoed, the
     * value and their framing) would not fit a message, rather than an answer that cannot be sent.
     */
    void onGet(final long correlationId, final long replyTo, final DirectBuffer buffer, final int keyOffset, final int keyLength)
    {
        gets.increment();
        final int found = store.get(buffer, keyOffset, keyLength, values, 0, values.capacity());
        if (found == StoreStatus.DATA_LOST)
        {
            readsDataLost.increment();
            publisher.error(replyTo, correlationId, ErrorCode.DATA_LOST, LOST);
            return;
        }
        answer.reset(buffer, values).add(keyOffset, keyLength, 0, found);
        if (found == StoreStatus.TOO_LARGE || StorageNodePublisher.getResponseLength(answer) > maxMessageLength)
        {
            getsTooLarge.increment();
            publisher.error(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "the answer exceeds the message limit");
            return;
        }
        publisher.getResponse(replyTo, correlationId, found >= 0 ? ErrorCode.NONE : ErrorCode.KEY_NOT_FOUND, answer);
    }

    /**
     * Answers a get of several keys in one response.
     */
    void onMultiGet(final long correlationId, final long replyTo, final EntryBatch keys)
    {
        final DirectBuffer buffer = keys.keys();
        final int budget = maxMessageLength - MESSAGE_RESERVE;
        answer.reset(buffer, values);
        int length = 0;
        int valuesLength = 0;
        for (int i = 0, count = keys.count(); i < count; i++)
        {
            final int keyOffset = keys.keyOffset(i);
            final int keyLength = keys.keyLength(i);
            gets.increment();
            final int found = store.get(buffer, keyOffset, keyLength, values, valuesLength, values.capacity() - valuesLength);
            if (found == StoreStatus.DATA_LOST)
            {
                readsDataLost.increment();
                publisher.error(replyTo, correlationId, ErrorCode.DATA_LOST, LOST);
                return;
            }
            if (found == StoreStatus.TOO_LARGE || length + keyLength + Math.max(0, found) + ENTRY_OVERHEAD > budget)
            {
                getsTooLarge.increment();
                publisher.error(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "multi-get answer exceeds the message limit");
                return;
            }
            answer.add(keyOffset, keyLength, valuesLength, found);
            valuesLength += Math.max(0, found);
            length += keyLength + Math.max(0, found) + ENTRY_OVERHEAD;
        }
        publisher.getResponse(replyTo, correlationId, ErrorCode.NONE, answer);
    }
}
