package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.client.PendingStoreRequests;

/**
 * A put of a lattice value, through the first of its key's replicas not suspected down: completes when that
 * node acknowledges it at its ack level, fails with the node's code if refused, or with TIMEOUT (and the node
 * is suspected, so the next request for the key goes to the next replica).
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class KvsPutRequest extends PendingRequest
{
    private final byte[] key;
    private final byte[] value;
    private final AckLevel ack;

    /**
     * @param correlationId of the put.
     * @param deadlineNs    on the client's nano clock.
     * @param key           on the wire.
     * @param value         encoded lattice.
     * @param ack           level.
     */
    KvsPutRequest(final long correlationId, final long deadlineNs, final byte[] key, final byte[] value, final AckLevel ack)
    {
        super(correlationId, 0, deadlineNs);
        this.key = key;
        this.value = value;
        this.ack = ack;
    }

    long route(final PendingStoreRequests storage)
    {
        return storage.nodeFor(key);
    }

    int send(final RequestPublisher publisher)
    {
        return publisher.put(destination, correlationId, ack, key, value);
    }

    boolean onPutResponse(final ErrorCode code)
    {
        if (code == ErrorCode.NONE)
        {
            future.complete(null);
        }
        else
        {
            future.completeExceptionally(new DropletException(code, "put refused"));
        }
        return true;
    }
}
