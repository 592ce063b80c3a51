package io.droplet.client;

/**
 * A Connect, introducing this client (its node id, endpoint and identity) to the scheduler or a storage
 * node: completes on Connected; a node that wants proof first sends a Challenge, which the
 * {@link ClientHandshake} answers. The Connect is kept by the client's introductions and sent again when
 * the node may have restarted. An introduction made after a relink awaits no answer.
 * <p>
 * <b>Note:</b> see {@link PendingRequest}.
 */
final class ConnectRequest extends PendingRequest
{
    private final long timestampNs;
    private final String namespace;
    private final String identity;
    private final boolean awaitsAnswer;

    /**
     * @param correlationId of the Connect.
     * @param node          it goes to.
     * @param deadlineNs    on the client's nano clock.
     * @param timestampNs   epoch time of the Connect.
     * @param namespace     of the client ("" on an open deployment).
     * @param identity      of the client ("" on an open deployment).
     * @param awaitsAnswer  true to wait for Connected.
     */
    ConnectRequest(
        final long correlationId, final long node, final long deadlineNs, final long timestampNs, final String namespace,
        final String identity, final boolean awaitsAnswer)
    {
        super(correlationId, node, deadlineNs);
        this.timestampNs = timestampNs;
        this.namespace = namespace;
        this.identity = identity;
        this.awaitsAnswer = awaitsAnswer;
    }

    void beforeSend(final ClientHandshake handshake)
    {
        handshake.onConnect(correlationId, destination);
    }

    int send(final RequestPublisher publisher)
    {
        return publisher.connect(destination, correlationId, timestampNs, namespace, identity, true);
    }

    boolean awaitsAnswer()
    {
        return awaitsAnswer;
    }

    boolean onConnected()
    {
        future.complete(null);
        return true;
    }
}
