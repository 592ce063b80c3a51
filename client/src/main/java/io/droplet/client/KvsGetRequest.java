package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.store.client.PendingStoreRequests;
import org.agrona.DirectBuffer;

/**
 * A get of a key's lattice value from the first of its replicas not suspected down: completes with the
 * value (null if the key has none), fails with MALFORMED if the value does not decode, or with TIMEOUT (and
 * the node is suspected, so the next request for the key goes to the next replica).
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class KvsGetRequest extends PendingRequest
{
    private final byte[] key;
    private Object value;
    private DropletException malformed;

    /**
     * @param correlationId of the get.
     * @param deadlineNs    on the client's nano clock.
     * @param key           on the wire.
     */
    KvsGetRequest(final long correlationId, final long deadlineNs, final byte[] key)
    {
        super(correlationId, 0, deadlineNs);
        this.key = key;
    }

    long route(final PendingStoreRequests storage)
    {
        return storage.nodeFor(key);
    }

    int send(final RequestPublisher publisher)
    {
        return publisher.get(destination, correlationId, key);
    }

    void onGetEntry(final boolean found, final DirectBuffer buffer, final int valueOffset, final int valueLength)
    {
        if (found && null == value && null == malformed)
        {
            try
            {
                value = LatticeCodec.decode(buffer, valueOffset, valueLength);
            }
            catch (final IllegalArgumentException ex)
            {
                malformed = new DropletException(ErrorCode.MALFORMED, ex.getMessage());
            }
        }
    }

    boolean onAnswerComplete()
    {
        if (null != malformed)
        {
            future.completeExceptionally(malformed);
        }
        else
        {
            future.complete(value);
        }
        return true;
    }
}
