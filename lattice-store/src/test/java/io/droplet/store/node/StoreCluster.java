package io.droplet.store.node;

import io.droplet.store.client.StoreClient;
import io.droplet.store.client.StoreClientListener;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.MergeFunction;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.test.Await;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Storage nodes and one client on one embedded driver (IPC), all driven by the test thread. Nodes
 * can be stopped and restarted over their data directories.
 */
final class StoreCluster implements AutoCloseable, StoreClientListener
{
    static final long CLIENT_ID = 100;

    final Transport transport;
    final Long2ObjectHashMap<Endpoint> endpoints = new Long2ObjectHashMap<>();
    final File[] dataDirs;
    final StorageNode[] nodes;
    final LatticeStore[] stores;
    final NodeChannels[] nodeChannels;
    final StoreCounters[] counters;
    final int replicationFactor;
    final long gossipPeriodNs;
    final Supplier<MergeFunction> merge;
    final NodeChannels clientChannels;
    final StoreClient client;

    final Map<Long, ErrorCode> errors = new HashMap<>();
    final List<Long> acknowledged = new ArrayList<>();
    final Map<Long, byte[]> values = new HashMap<>();
    final Map<Long, Boolean> complete = new HashMap<>();
    final List<byte[]> updates = new ArrayList<>();
    final Map<Long, List<byte[]>> entries = new HashMap<>();

    StoreCluster(
        final String aeronDir, final File dataRoot, final int size, final int replicationFactor,
        final long gossipPeriodNs, final Supplier<MergeFunction> merge)
    {
        this.transport = Transport.launch(new TransportContext()
            .aeronDirectoryName(aeronDir)
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .maxMessageLength(256 * 1024)
            .name("store-cluster"));
        this.replicationFactor = replicationFactor;
        this.gossipPeriodNs = gossipPeriodNs;
        this.merge = merge;
        this.dataDirs = new File[size];
        this.nodes = new StorageNode[size];
        this.stores = new LatticeStore[size];
        this.nodeChannels = new NodeChannels[size];
        this.counters = new StoreCounters[size];
        for (int i = 0; i < size; i++)
        {
            endpoints.put(nodeId(i), new Endpoint("127.0.0.1", 0, 3001 + i));
            dataDirs[i] = new File(dataRoot, "node-" + i);
        }
        for (int i = 0; i < size; i++)
        {
            start(i);
        }
        clientChannels = new NodeChannels(transport, CLIENT_ID, new Endpoint("127.0.0.1", 0, 3100), "client");
        client = new StoreClient(clientChannels, endpoints, replicationFactor, 64, this);
        for (int i = 0; i < size; i++)
        {
            final long correlationId = client.connect(nodeId(i), deadline());
            awaitOutcome(correlationId);
            if (errors.containsKey(correlationId))
            {
                throw new IllegalStateException("connect to node " + nodeId(i) + ": " + errors.get(correlationId));
            }
        }
    }

    static long nodeId(final int index)
    {
        return index + 1;
    }

    void start(final int i)
    {
        counters[i] = new StoreCounters(transport.aeron()::addCounter, "node-" + i);
        stores[i] = LatticeStore.open(new StoreContext()
            .dataDirectory(dataDirs[i])
            .entries(200_000)
            .averageKeySize(16)
            .averageValueSize(64)
            .maxValueLength(64 * 1024)
            .mergeFunctionSupplier(merge)
            .counters(counters[i])
            .duringRecovery(transport::invoke)
            .name("node-" + i));
        nodeChannels[i] = new NodeChannels(transport, nodeId(i), endpoints.get(nodeId(i)), "node-" + i);
        final StorageNodeContext context = new StorageNodeContext()
            .channels(nodeChannels[i])
            .store(stores[i])
            .counters(counters[i])
            .replicationFactor(replicationFactor)
            .gossipPeriodNs(gossipPeriodNs)
            .replicaTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .virtualNodes(64);
        endpoints.forEach(context::peer);
        nodes[i] = new StorageNode(context);
    }

    /**
     * Restarts a stopped node over its data directory; the client introduces itself again.
     */
    void restart(final int i)
    {
        start(i);
        final long correlationId = client.connect(nodeId(i), deadline());
        awaitOutcome(correlationId);
        if (errors.containsKey(correlationId))
        {
            throw new IllegalStateException("reconnect to node " + nodeId(i) + ": " + errors.get(correlationId));
        }
    }

    void stop(final int i)
    {
        CloseHelper.closeAll(nodeChannels[i], stores[i], counters[i]);
        nodes[i] = null;
    }

    int dutyCycle()
    {
        int work = transport.invoke();
        for (final StorageNode node : nodes)
        {
            if (null != node)
            {
                work += node.doWork();
            }
        }
        return work + client.doWork();
    }

    static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    }

    void awaitOutcome(final long correlationId)
    {
        if (correlationId < 0)
        {
            throw new IllegalStateException("not sent: " + correlationId);
        }
        Await.until(this::dutyCycle,
            () -> errors.containsKey(correlationId) || acknowledged.contains(correlationId) || complete.containsKey(correlationId),
            Duration.ofSeconds(20), () -> "outcome of " + correlationId);
    }

    /**
     * @return null if acknowledged, else the error.
     */
    ErrorCode put(final long via, final byte[] key, final byte[] value, final AckLevel ack)
    {
        final long id = client.putVia(via, new UnsafeBuffer(key), 0, key.length, new UnsafeBuffer(value), 0, value.length,
            ack, deadline());
        awaitOutcome(id);
        return errors.get(id);
    }

    /**
     * @return the value, or null if not found.
     */
    byte[] get(final long from, final byte[] key)
    {
        final long id = client.getFrom(from, new UnsafeBuffer(key), 0, key.length, deadline());
        awaitOutcome(id);
        if (errors.containsKey(id))
        {
            throw new IllegalStateException("get failed: " + errors.get(id));
        }
        return values.get(id);
    }

    /**
     * @return the value straight from a node's store, or null.
     */
    byte[] stored(final int i, final byte[] key)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64 * 1024]);
        final int length = stores[i].get(new UnsafeBuffer(key), 0, key.length, out, 0, out.capacity());
        return length < 0 ? null : Arrays.copyOf(out.byteArray(), length);
    }

    public void onConnected(final long correlationId)
    {
        complete.put(correlationId, true);
    }

    public void onPutAcknowledged(final long correlationId)
    {
        acknowledged.add(correlationId);
    }

    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final byte[] value = found ? new byte[valueLength] : null;
        if (found)
        {
            buffer.getBytes(valueOffset, value);
            values.put(correlationId, value);
        }
        entries.computeIfAbsent(correlationId, id -> new ArrayList<>()).add(index, value);
    }

    public void onGetComplete(final long correlationId)
    {
        complete.put(correlationId, true);
    }

    public void onAck(final long correlationId)
    {
        complete.put(correlationId, true);
    }

    public void onKeyUpdate(
        final long source, final DirectBuffer buffer, final int keyOffset, final int keyLength,
        final int valueOffset, final int valueLength)
    {
        final byte[] value = new byte[valueLength];
        buffer.getBytes(valueOffset, value);
        updates.add(value);
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        errors.put(correlationId, code);
    }

    public void close()
    {
        CloseHelper.close(clientChannels);
        for (int i = 0; i < nodes.length; i++)
        {
            if (null != nodes[i])
            {
                stop(i);
            }
        }
        CloseHelper.close(transport);
    }
}
