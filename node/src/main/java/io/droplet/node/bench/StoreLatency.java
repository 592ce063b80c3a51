package io.droplet.node.bench;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.node.StorageNode;
import io.droplet.store.node.StorageNodeContext;
import io.droplet.store.client.StoreClient;
import io.droplet.store.client.StoreClientListener;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures a storage node over IPC: put (ack ONE) and get round trips of LWW values with HdrHistogram,
 * one request in flight, then throughput with many in flight (pipelined). The node, its store (a
 * Chronicle Map in a temporary directory), the client and the embedded driver all run on the calling
 * thread (invoker profile).
 * <p>
 * <b>Note:</b> not thread-safe; one measurement at a time per instance.
 */
public final class StoreLatency implements StoreClientListener
{
    private static final long NODE = 1;
    private static final long CLIENT = 2;
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * One measured case.
     *
     * @param name       of the case.
     * @param histogram  of round trips in nanoseconds (empty for throughput cases).
     * @param operations completed.
     * @param seconds    wall time.
     * @param errors     operations that ended in an error.
     */
    public record Result(String name, Histogram histogram, long operations, double seconds, long errors)
    {
    }

    private long outcomes;
    private long errors;

    /**
     * Runs the four cases.
     *
     * @param keys       distinct keys.
     * @param count      operations per case.
     * @param valueBytes LWW value payload size.
     * @param window     requests in flight for the pipelined cases.
     * @return results: put, get, pipelined put, pipelined get.
     */
    public List<Result> measure(final int keys, final int count, final int valueBytes, final int window)
    {
        final File dataDir;
        try
        {
            dataDir = Files.createTempDirectory("droplet-store-bench").toFile();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        final Endpoint nodeEndpoint = new Endpoint("127.0.0.1", 0, 4001);
        final Endpoint clientEndpoint = new Endpoint("127.0.0.1", 0, 4002);
        Transport transport = null;
        StoreCounters counters = null;
        LatticeStore store = null;
        NodeChannels nodeChannels = null;
        NodeChannels clientChannels = null;
        try
        {
            transport = Transport.launch(new TransportContext()
                .embeddedDriver(true).threadingProfile(ThreadingProfile.INVOKER).name("store-bench"));
            counters = new StoreCounters(transport.aeron()::addCounter, "bench");
            store = LatticeStore.open(new StoreContext()
                .dataDirectory(dataDir)
                .entries(Math.max(keys * 2L, 1024))
                .averageKeySize(16)
                .averageValueSize(valueBytes + 32)
                .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
                .counters(counters));
            nodeChannels = new NodeChannels(transport, NODE, nodeEndpoint, "bench-node");
            final StorageNode node = new StorageNode(new StorageNodeContext()
                .channels(nodeChannels).store(store).counters(counters).replicationFactor(1).peer(NODE, nodeEndpoint));
            clientChannels = new NodeChannels(transport, CLIENT, clientEndpoint, "bench-client");
            final Long2ObjectHashMap<Endpoint> nodes = new Long2ObjectHashMap<>();
            nodes.put(NODE, nodeEndpoint);
            final StoreClient client = new StoreClient(clientChannels, nodes, 1, 64, this);
            final Transport driver = transport;
            final Runnable duty = () -> { driver.invoke(); node.doWork(); client.doWork(); };

            outcomes = 0;
            client.connect(NODE, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            final long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (outcomes == 0)
            {
                duty.run();
                if (System.nanoTime() - connectDeadline > 0)
                {
                    throw new IllegalStateException("client did not connect to the storage node");
                }
            }

            final UnsafeBuffer[] keyBuffers = new UnsafeBuffer[keys];
            for (int k = 0; k < keys; k++)
            {
                keyBuffers[k] = new UnsafeBuffer(("user:" + k).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            final byte[] payload = new byte[valueBytes];
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueBytes + 64));
            final int[] valueLength = new int[1];
            final long[] timestamp = {1};
            final Runnable nextValue = () ->
                valueLength[0] = LatticeCodec.encode(new LwwLattice(timestamp[0]++, NODE, payload), value, 0, value.capacity());

            // Warm up and fill every key once.
            for (int i = 0; i < Math.max(keys, 20_000); i++)
            {
                nextValue.run();
                final UnsafeBuffer key = keyBuffers[i % keys];
                awaitOne(duty, client.put(key, 0, key.capacity(), value, 0, valueLength[0], AckLevel.ONE, deadline()));
            }

            final Result put = oneInFlight("put, ack ONE, 1 in flight", count, duty, i ->
            {
                nextValue.run();
                final UnsafeBuffer key = keyBuffers[i % keys];
                return client.put(key, 0, key.capacity(), value, 0, valueLength[0], AckLevel.ONE, deadline());
            });
            final Result get = oneInFlight("get, 1 in flight", count, duty, i ->
            {
                final UnsafeBuffer key = keyBuffers[i % keys];
                return client.get(key, 0, key.capacity(), deadline());
            });
            final Result pipelinedPut = pipelined("put, ack ONE, " + window + " in flight", count, window, duty, client, i ->
            {
                nextValue.run();
                final UnsafeBuffer key = keyBuffers[i % keys];
                return client.put(key, 0, key.capacity(), value, 0, valueLength[0], AckLevel.ONE, deadline());
            });
            final Result pipelinedGet = pipelined("get, " + window + " in flight", count, window, duty, client, i ->
            {
                final UnsafeBuffer key = keyBuffers[i % keys];
                return client.get(key, 0, key.capacity(), deadline());
            });
            return List.of(put, get, pipelinedPut, pipelinedGet);
        }
        finally
        {
            CloseHelper.quietCloseAll(clientChannels, nodeChannels, store, counters, transport);
            IoUtil.delete(dataDir, true);
        }
    }

    @FunctionalInterface
    private interface Request
    {
        long send(int index);
    }

    private static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    }

    private void awaitOne(final Runnable duty, final long correlationId)
    {
        if (correlationId < 0)
        {
            errors++;
            return;
        }
        final long target = outcomes + 1;
        while (outcomes < target)
        {
            duty.run();
        }
    }

    private Result oneInFlight(final String name, final int count, final Runnable duty, final Request request)
    {
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        errors = 0;
        final long start = System.nanoTime();
        for (int i = 0; i < count; i++)
        {
            final long sent = System.nanoTime();
            awaitOne(duty, request.send(i));
            histogram.recordValue(Math.min(System.nanoTime() - sent, HIGHEST_TRACKABLE_NS));
        }
        return new Result(name, histogram, count, (System.nanoTime() - start) / 1e9, errors);
    }

    private Result pipelined(
        final String name, final int count, final int window, final Runnable duty, final StoreClient client, final Request request)
    {
        errors = 0;
        final long first = outcomes;
        final long start = System.nanoTime();
        int sent = 0;
        while (outcomes - first < count)
        {
            while (sent < count && client.inFlight() < window)
            {
                if (request.send(sent++) < 0)
                {
                    errors++;
                    outcomes++;
                }
            }
            duty.run();
        }
        return new Result(name, new Histogram(HIGHEST_TRACKABLE_NS, 3), count, (System.nanoTime() - start) / 1e9, errors);
    }

    /**
     * Prints results as a Markdown table.
     *
     * @param out     to print to.
     * @param results to print.
     */
    public static void print(final PrintStream out, final List<Result> results)
    {
        out.println("| case | operations | p50 us | p99 us | p99.9 us | ops/s | errors |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (final Result result : results)
        {
            final Histogram h = result.histogram();
            final boolean timed = h.getTotalCount() > 0;
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %.0f | %d |%n",
                result.name(), result.operations(),
                timed ? String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(50) / 1000.0) : "-",
                timed ? String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(99) / 1000.0) : "-",
                timed ? String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(99.9) / 1000.0) : "-",
                result.operations() / result.seconds(), result.errors());
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onConnected(final long correlationId)
    {
        outcomes++;
    }

    /**
     * {@inheritDoc}
     */
    public void onPutAcknowledged(final long correlationId)
    {
        outcomes++;
    }

    /**
     * {@inheritDoc}
     */
    public void onGetComplete(final long correlationId)
    {
        outcomes++;
    }

    /**
     * {@inheritDoc}
     */
    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        if (!found)
        {
            errors++;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final long correlationId, final ErrorCode code)
    {
        errors++;
        outcomes++;
    }
}
