package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.Endpoint;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The lattice KVS part of a {@link DropletClient}: knows the storage ring, introduces the client to its
 * nodes, and makes gets and puts into pending requests. Which replica a request goes to, and when a node
 * that left one unanswered is passed over, is the storage protocol's shared logic
 * ({@link io.droplet.store.client.PendingStoreRequests}, on the conductor's thread).
 * <p>
 * <b>Note:</b> thread-safe.
 */
final class LatticeKvs
{
    private final ClientSession session;
    private volatile HashRing ring;
    private volatile ReplicaFailover failover;

    /**
     * @param session of the client.
     */
    LatticeKvs(final ClientSession session)
    {
        this.session = session;
    }

    void useStorage(final Map<Long, Endpoint> nodes, final int replicationFactor, final int virtualNodes)
    {
        final HashRing next = new HashRing(virtualNodes);
        final ClientConductor conductor = session.conductor();
        for (final Map.Entry<Long, Endpoint> node : nodes.entrySet())
        {
            next.add(node.getKey());
            conductor.register(node.getKey(), node.getValue());
        }
        for (final long node : next.nodes())
        {
            session.introduceAndWait(node);
        }
        // A node that left a request unanswered is passed over for as long as a request waits for an answer.
        final ClientContext context = session.context();
        final ReplicaFailover chooser = new ReplicaFailover(next, replicationFactor,
            Math.max(context.suspectNs(), session.defaultTimeoutNs()), context.nanoClock());
        conductor.failover(chooser);
        failover = chooser;
        ring = next;
    }

    /**
     * Introduces the client to every storage node again on a new link, without waiting for answers.
     *
     * @param next conductor of the new link.
     */
    void relink(final ClientConductor next)
    {
        next.failover(failover);
        final HashRing storage = ring;
        if (null != storage)
        {
            for (final long node : storage.nodes())
            {
                session.enqueue(session.introduction(node, false));
            }
        }
    }

    boolean isSuspected(final long node)
    {
        final ReplicaFailover current = failover;
        return null != current && current.isSuspected(node);
    }

    CompletableFuture<Object> putAsync(final String key, final Lattice value, final AckLevel ack)
    {
        final byte[] keyBytes = keyBytes(key);
        final byte[] valueBytes = LatticeCodec.toBytes(value);
        return session.enqueue(new KvsPutRequest(session.nextCorrelationId(),
            session.deadlineNs(session.defaultTimeoutNs()), keyBytes, valueBytes, ack));
    }

    CompletableFuture<Object> getAsync(final String key)
    {
        final byte[] keyBytes = keyBytes(key);
        return session.enqueue(new KvsGetRequest(
            session.nextCorrelationId(), session.deadlineNs(session.defaultTimeoutNs()), keyBytes));
    }

    private byte[] keyBytes(final String key)
    {
        final HashRing current = ring;
        if (null == current || current.size() == 0)
        {
            throw new DropletException(ErrorCode.NO_RESOURCES, "this client knows no storage nodes");
        }
        return session.qualify(key).getBytes(StandardCharsets.UTF_8);
    }
}
