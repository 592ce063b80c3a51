package io.droplet.scheduler;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.Bytes;
import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.api.lattice.SetLattice;
import io.droplet.store.client.StoreClient;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.store.client.StoreClientListener;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * The registry's durable home: every function and DAG registration is a last-writer-wins lattice in
 * the KVS whose value is the registration frame as the client sent it (an empty value marks a
 * deletion), and the set lattice {@value #NAMES_KEY} lists every name ever registered. Writes are
 * acknowledged by ALL replicas before the scheduler answers, so a scheduler that misses in its own
 * cache and reads the KVS finds the entry: registrations are read-your-writes across schedulers.
 * Entries a scheduler holds are subscribed to, so deletions and re-registrations made through other
 * schedulers reach it as they happen.
 * <p>
 * Control path only: it allocates freely.
 * <p>
 * <b>Note:</b> not thread-safe; driven by the scheduler agent's duty cycle ({@link #doWork()}), and its
 * completions run there.
 */
final class RegistryStore implements RegistryStorage, StoreClientListener
{
    /** Key prefix of function registrations. */
    static final String FUNCTION_PREFIX = "droplet/registry/function/";
    /** Key prefix of DAG registrations. */
    static final String DAG_PREFIX = "droplet/registry/dag/";
    /** Key of the set of every registry key written. */
    static final String NAMES_KEY = "droplet/registry/names";

    private static final class Operation
    {
        final Completion completion;
        final Map<String, Lattice> found = new HashMap<>();
        int outstanding;
        ErrorCode error = ErrorCode.NONE;

        Operation(final Completion completion)
        {
            this.completion = completion;
        }
    }

    private final StoreClient client;
    private final long node;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final long timeoutNs;
    private EntryListener entries = (key, frame) -> {};
    private final Long2ObjectHashMap<Operation> operations = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<String> keyByRequest = new Long2ObjectHashMap<>();
    private final Set<String> subscribed = new HashSet<>();
    private long lastTimestamp;

    /**
     * @param channels          of the scheduler's storage client (its own node id and stream).
     * @param storageNodes      of the ring, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring.
     * @param node              the scheduler's node id, the LWW tie-breaker of its writes.
     * @param clock             of request deadlines.
     * @param epochClock        of LWW timestamps.
     * @param timeoutNs         of each request.
     */
    RegistryStore(
        final NodeChannels channels,
        final Long2ObjectHashMap<Endpoint> storageNodes,
        final int replicationFactor,
        final int virtualNodes,
        final long node,
        final NanoClock clock,
        final EpochNanoClock epochClock,
        final long timeoutNs)
    {
        this.node = node;
        this.clock = clock;
        this.epochClock = epochClock;
        this.timeoutNs = timeoutNs;
        this.client = new StoreClient(channels, storageNodes, replicationFactor, virtualNodes, this, clock, epochClock,
            ReplicaFailover.DEFAULT_SUSPECT_NS);
        storageNodes.forEach((storage, endpoint) -> client.connect(storage, clock.nanoTime() + timeoutNs));
    }

    /**
     * {@inheritDoc}
     */
    public void entryListener(final EntryListener listener)
    {
        this.entries = listener;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return client.doWork();
    }

    /**
     * Writes a registration (or, with an empty frame, a deletion) with ack ALL, and records its key in
     * the names set.
     *
     * @param key        the registry key ({@link #FUNCTION_PREFIX} or {@link #DAG_PREFIX} + name).
     * @param frame      the registration frame; empty for a deletion.
     * @param completion told once both writes are acknowledged, or of the first failure.
     */
    public void write(final String key, final byte[] frame, final Completion completion)
    {
        final Operation operation = new Operation(completion);
        final long timestamp = Math.max(epochClock.nanoTime(), lastTimestamp + 1);
        lastTimestamp = timestamp;
        put(operation, key, new LwwLattice(timestamp, node, frame), AckLevel.ALL);
        put(operation, NAMES_KEY, SetLattice.of(key.getBytes(StandardCharsets.UTF_8)), AckLevel.ALL);
        subscribe(key);
        finishIfDone(operation);
    }

    /**
     * Reads keys from their primary replicas.
     *
     * @param keys       to read.
     * @param completion told with what was found.
     */
    public void read(final List<String> keys, final Completion completion)
    {
        final Operation operation = new Operation(completion);
        for (final String key : keys)
        {
            final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            final long correlationId = client.get(new UnsafeBuffer(bytes), 0, bytes.length, clock.nanoTime() + timeoutNs);
            track(operation, correlationId, key);
        }
        finishIfDone(operation);
    }

    /**
     * Subscribes to a registry key once, so changes made through other schedulers reach this one.
     *
     * @param key to follow.
     */
    public void subscribe(final String key)
    {
        if (subscribed.add(key))
        {
            final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            final long primary = client.primaryOf(new UnsafeBuffer(bytes), 0, bytes.length);
            final long correlationId = client.subscribe(primary, List.of(bytes), clock.nanoTime() + timeoutNs);
            if (correlationId < 0)
            {
                subscribed.remove(key);
            }
        }
    }

    /**
     * @param lattice as read from the KVS.
     * @return the registration frame it holds, or null if it is not one or marks a deletion.
     */
    static byte[] frameOf(final Lattice lattice)
    {
        if (lattice instanceof LwwLattice lww && lww.value().length() > 0)
        {
            return lww.value().toByteArray();
        }
        return null;
    }

    /**
     * @param lattice as read from {@link #NAMES_KEY}.
     * @return the registry keys it names.
     */
    static List<String> namesOf(final Lattice lattice)
    {
        final List<String> names = new ArrayList<>();
        if (lattice instanceof SetLattice set)
        {
            for (final Bytes element : set.elements())
            {
                names.add(element.toUtf8());
            }
        }
        return names;
    }

    /**
     * Adds an element to a set lattice (acknowledged by one replica: gossip spreads it).
     *
     * @param key        of the set.
     * @param element    to add.
     * @param completion told when acknowledged or failed.
     */
    public void addToSet(final String key, final String element, final Completion completion)
    {
        final Operation operation = new Operation(completion);
        put(operation, key, SetLattice.of(element.getBytes(StandardCharsets.UTF_8)), AckLevel.ONE);
        finishIfDone(operation);
    }

    private void put(final Operation operation, final String key, final Lattice lattice, final AckLevel ack)
    {
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final byte[] value = LatticeCodec.toBytes(lattice);
        final long correlationId = client.put(new UnsafeBuffer(keyBytes), 0, keyBytes.length,
            new UnsafeBuffer(value), 0, value.length, ack, clock.nanoTime() + timeoutNs);
        track(operation, correlationId, key);
    }

    private void track(final Operation operation, final long correlationId, final String key)
    {
        if (correlationId < 0)
        {
            operation.error = ErrorCode.NO_RESOURCES;
            return;
        }
        operation.outstanding++;
        operations.put(correlationId, operation);
        keyByRequest.put(correlationId, key);
    }

    private void finishIfDone(final Operation operation)
    {
        if (operation.outstanding == 0)
        {
            operation.completion.onComplete(operation.error, operation.found);
        }
    }

    private void settle(final long correlationId, final ErrorCode code)
    {
        final Operation operation = operations.remove(correlationId);
        keyByRequest.remove(correlationId);
        if (null == operation)
        {
            return;
        }
        if (code != ErrorCode.NONE && operation.error == ErrorCode.NONE)
        {
            operation.error = code;
        }
        operation.outstanding--;
        finishIfDone(operation);
    }

    /**
     * {@inheritDoc}
     */
    public void onPutAcknowledged(final long correlationId)
    {
        settle(correlationId, ErrorCode.NONE);
    }

    /**
     * {@inheritDoc}
     */
    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final Operation operation = operations.get(correlationId);
        if (null != operation && found)
        {
            try
            {
                operation.found.put(keyByRequest.get(correlationId), LatticeCodec.decode(buffer, valueOffset, valueLength));
            }
            catch (final RuntimeException ex)
            {
                // A foreign value under a registry key is ignored: the registry reads it as absent.
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onGetComplete(final long correlationId)
    {
        settle(correlationId, ErrorCode.NONE);
    }

    /**
     * {@inheritDoc}
     */
    public void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        final String key = buffer.getStringWithoutLengthUtf8(keyOffset, keyLength);
        if (!key.startsWith(FUNCTION_PREFIX) && !key.startsWith(DAG_PREFIX))
        {
            return;
        }
        try
        {
            entries.onEntry(key, frameOf(LatticeCodec.decode(buffer, valueOffset, valueLength)));
        }
        catch (final RuntimeException ex)
        {
            // Not a registration: ignored, as on a read.
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        settle(correlationId, code);
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        client.onClose();
    }
}
