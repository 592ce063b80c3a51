package io.droplet.store.node;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.StoreStatus;
import io.droplet.transport.PendingRequests;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Coordinates puts: a put reaching this node is merged locally if the node is a replica of its key and
 * forwarded to the key's other replicas; the client is answered when its ack level is met (ONE: after the
 * first replica merged; ALL: after every replica acknowledged), or with TIMEOUT once when a replica has not
 * acknowledged by the deadline, or with the first replica's refusal. Merges that did happen stay: lattices
 * make a retry harmless. Also the replica side: merges a forwarded put and acknowledges it.
 * <p>
 * Each put awaiting acknowledgements is a {@link PendingPut} that goes from {@code AWAITING_ACKS} to
 * {@code ANSWERED} once; its forwards' deadlines sit in a timer wheel.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the node's agent.
 */
final class ReplicaCoordinator implements PendingRequests.TimeoutListener
{
    /** A forward (or correlation) that wants no acknowledgement. */
    static final long NO_REPLY = 0;

    enum State
    {
        AWAITING_ACKS, ANSWERED
    }

    /** A client's put waiting for replica acknowledgements. */
    static final class PendingPut
    {
        final long correlationId;
        final long replyTo;
        int remaining;
        State state = State.AWAITING_ACKS;

        PendingPut(final long correlationId, final long replyTo, final int remaining)
        {
            this.correlationId = correlationId;
            this.replyTo = replyTo;
            this.remaining = remaining;
        }
    }

    private final LocalShard shard;
    private final StoragePublisher publisher;
    private final NanoClock clock;
    private final long replicaTimeoutNs;
    private final PendingRequests forwardAcks;
    private final AtomicCounter puts;
    private final AtomicCounter mergesFromStrangers;
    private final Long2ObjectHashMap<PendingPut> putByForwardId = new Long2ObjectHashMap<>();
    private final long[] replicas;
    private long nextForwardId = 1;

    /**
     * @param shard            this node's part of the ring.
     * @param publisher        to answer and forward with.
     * @param clock            for deadlines (the agent's, read once per duty cycle).
     * @param replicaTimeoutNs how long replicas have to acknowledge.
     * @param forwardAcks      forwards awaiting acknowledgement, with their deadlines.
     * @param puts             counts puts received.
     */
    ReplicaCoordinator(
        final LocalShard shard,
        final StoragePublisher publisher,
        final NanoClock clock,
        final long replicaTimeoutNs,
        final PendingRequests forwardAcks,
        final AtomicCounter puts,
        final AtomicCounter mergesFromStrangers)
    {
        this.mergesFromStrangers = mergesFromStrangers;
        this.shard = shard;
        this.publisher = publisher;
        this.clock = clock;
        this.replicaTimeoutNs = replicaTimeoutNs;
        this.forwardAcks = forwardAcks;
        this.puts = puts;
        this.replicas = new long[Math.max(1, shard.replicationFactor())];
    }

    /**
     * A client's put: merge here if a replica, forward to the other replicas, answer at the ack level.
     */
    void onPut(
        final long correlationId, final long replyTo, final AckLevel ack, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        puts.increment();
        final int replicaCount = shard.replicasOf(buffer, keyOffset, keyLength, replicas);
        final int needed = ack == AckLevel.ALL ? replicaCount : 1;
        int acknowledged = 0;
        if (shard.isAmong(replicas, replicaCount))
        {
            final int status = shard.merge(buffer, keyOffset, keyLength, buffer, valueOffset, valueLength, NO_REPLY);
            if (status < 0)
            {
                publisher.error(replyTo, correlationId, errorCodeOf(status), "put refused: " + statusName(status));
                return;
            }
            acknowledged = 1;
        }

        final PendingPut pending = acknowledged >= needed ? null : new PendingPut(correlationId, replyTo, needed - acknowledged);
        if (null == pending)
        {
            publisher.putResponse(replyTo, correlationId, ErrorCode.NONE);
        }
        final long deadline = clock.nanoTime() + replicaTimeoutNs;
        final long nodeId = shard.nodeId();
        for (int i = 0; i < replicaCount; i++)
        {
            final long replica = replicas[i];
            if (replica == nodeId)
            {
                continue;
            }
            long forwardId = NO_REPLY;
            if (null != pending)
            {
                forwardId = nextForwardId++;
                forwardAcks.track(forwardId, deadline);
                putByForwardId.put(forwardId, pending);
            }
            // A forward that cannot be sent now is left to gossip; its ack, if awaited, times out. It names this
            // node even when no ack is awaited: a replica merges only what a member of the ring sent.
            publisher.replicaMerge(replica, forwardId, nodeId, buffer, keyOffset, keyLength, valueOffset, valueLength);
        }
    }

    /**
     * A put forwarded to this replica by its coordinator ({@code replyTo}): merge it, and acknowledge it if the
     * coordinator asked (a correlation other than {@link #NO_REPLY}). A merge from a node that is not a member of
     * the ring is dropped and counted.
     */
    void onReplicaMerge(
        final long correlationId, final long replyTo, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        if (!shard.isPeer(replyTo))
        {
            mergesFromStrangers.increment();
            return;
        }
        final int status = shard.merge(buffer, keyOffset, keyLength, buffer, valueOffset, valueLength, replyTo);
        if (correlationId != NO_REPLY)
        {
            publisher.putResponse(replyTo, correlationId, status >= 0 ? ErrorCode.NONE : errorCodeOf(status));
        }
    }

    /**
     * A replica acknowledged (or refused) a forward.
     */
    void onReplicaAck(final long forwardId, final ErrorCode code)
    {
        final PendingPut pending = putByForwardId.remove(forwardId);
        if (null == pending || !forwardAcks.complete(forwardId) || pending.state == State.ANSWERED)
        {
            return;
        }
        if (code != ErrorCode.NONE)
        {
            pending.state = State.ANSWERED;
            publisher.error(pending.replyTo, pending.correlationId, code, "a replica refused the put");
        }
        else if (--pending.remaining == 0)
        {
            pending.state = State.ANSWERED;
            publisher.putResponse(pending.replyTo, pending.correlationId, ErrorCode.NONE);
        }
    }

    /**
     * Fails the puts whose forwards reached their deadline unacknowledged.
     *
     * @param nowNs current time.
     * @return forwards expired.
     */
    int doWork(final long nowNs)
    {
        return forwardAcks.expire(nowNs, this);
    }

    /**
     * A replica did not acknowledge in time: the client hears TIMEOUT once; merges that did happen stay.
     * {@inheritDoc}
     */
    public void onTimeout(final long forwardId)
    {
        final PendingPut pending = putByForwardId.remove(forwardId);
        if (null != pending && pending.state != State.ANSWERED)
        {
            pending.state = State.ANSWERED;
            publisher.error(pending.replyTo, pending.correlationId, ErrorCode.TIMEOUT, "replicas did not acknowledge in time");
        }
    }

    /**
     * @return forwards awaiting acknowledgement.
     */
    int pendingForwards()
    {
        return putByForwardId.size();
    }

    static ErrorCode errorCodeOf(final int status)
    {
        switch (status)
        {
            case StoreStatus.TOO_LARGE:
                return ErrorCode.PAYLOAD_TOO_LARGE;
            case StoreStatus.FULL:
                return ErrorCode.NO_RESOURCES;
            default:
                return ErrorCode.INVALID_ARGUMENT;
        }
    }

    static String statusName(final int status)
    {
        switch (status)
        {
            case StoreStatus.TYPE_MISMATCH:
                return "lattice type differs from the stored one";
            case StoreStatus.INVALID:
                return "not a valid lattice encoding";
            case StoreStatus.TOO_LARGE:
                return "value too large";
            case StoreStatus.FULL:
                return "store full";
            case StoreStatus.INVALID_KEY:
                return "key empty or too long";
            default:
                return "status " + status;
        }
    }
}
