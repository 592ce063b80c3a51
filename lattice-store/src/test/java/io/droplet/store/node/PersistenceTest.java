package io.droplet.store.node;

import io.droplet.store.client.StoreClient;
import io.droplet.store.client.StoreClientListener;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.storage.LatticeStore;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A storage node process takes 100,000 LWW puts with ack ALL and is killed with SIGKILL at a random
 * point; a new storage node over the same files recovers them and serves every acknowledged put.
 */
class PersistenceTest implements StoreClientListener
{
    private static final int KEYS = 100_000;
    private static final int WINDOW = 64;
    private static final long NODE = 1;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private final Long2LongHashMap keyByCorrelation = new Long2LongHashMap(-1);
    private final BitSet acknowledged = new BitSet(KEYS);
    private final BitSet served = new BitSet(KEYS);
    private int outcomes;
    private int wrongValues;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyAcknowledgedPutSurvivesSigkill() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final int killAfter = 10_000 + random.nextInt(KEYS - 20_000);
        System.out.println("PersistenceTest seed=" + seed + " killAfter=" + killAfter);

        final File dataDir = watcher.dataDirectory("persisted");
        final int port = freePort();
        final File log = new File(watcher.dataDirectory("child-log"), "child.log");
        final Process child = startChild(dataDir, port, log);

        try (Transport transport = Transport.launch(new TransportContext()
            .aeronDirectoryName(watcher.aeronDirectory("persistence-client"))
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .localHost("127.0.0.2")
            .name("client")))
        {
            final Long2ObjectHashMap<Endpoint> remote = new Long2ObjectHashMap<>();
            remote.put(NODE, new Endpoint("127.0.0.1", port, 3001));
            final NodeChannels clientChannels = new NodeChannels(transport, 100, new Endpoint("127.0.0.2", freePort(), 3100), "client");
            final StoreClient client = new StoreClient(clientChannels, remote, 1, 64, this);
            final Runnable duty = () -> { transport.invoke(); client.doWork(); };

            Await.until(duty, () -> client.isConnectedTo(NODE), Duration.ofSeconds(30), () -> "publication to the child connected");
            final long connect = client.connect(NODE, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            Await.until(duty, () -> outcomes == 1, Duration.ofSeconds(20), () -> "connected");
            outcomes = 0;

            final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
            int sent = 0;
            while (acknowledged.cardinality() < killAfter)
            {
                while (sent < KEYS && client.inFlight() < WINDOW)
                {
                    final int keyLength = key.putStringWithoutLengthAscii(0, "k-" + sent);
                    // An LWW value whose payload is the key's number: what a recovered node must serve.
                    final int valueLength = LatticeCodec.encode(
                        new LwwLattice(sent, 1, Long.toString(sent).getBytes(StandardCharsets.US_ASCII)), value, 0, 64);
                    final long id = client.put(key, 0, keyLength, value, 0, valueLength, AckLevel.ALL,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                    assertTrue(id > 0, "put not sent: " + id);
                    keyByCorrelation.put(id, sent);
                    sent++;
                }
                duty.run();
                assertTrue(child.isAlive(), "child died by itself, see " + log);
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            final int acked = acknowledged.cardinality();
            System.out.println("killed with " + acked + " acknowledged and " + client.inFlight() + " in flight");
            CloseHelper.close(clientChannels);

            verifyRecovered(transport, dataDir, acked);
            assertTrue(connect > 0);
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    private void verifyRecovered(final Transport transport, final File dataDir, final int acked)
    {
        final StoreCounters counters = new StoreCounters(transport.aeron()::addCounter, "recovered");
        final Endpoint nodeEndpoint = new Endpoint("127.0.0.2", 0, 3002);
        try (LatticeStore store = LatticeStore.open(new StoreContext()
                .dataDirectory(dataDir)
                .entries(200_000)
                .averageKeySize(16)
                .averageValueSize(16)
                .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
                .counters(counters));
            NodeChannels nodeChannels = new NodeChannels(transport, NODE, nodeEndpoint, "recovered");
            NodeChannels readerChannels = new NodeChannels(transport, 200, new Endpoint("127.0.0.2", 0, 3200), "reader"))
        {
            assertTrue(store.wasRecovered(), "the files of a killed node are recovered before serving");
            assertEquals(1, counters.recoveries.get());
            assertTrue(store.size() >= acked, "store holds " + store.size() + " of " + acked + " acknowledged");

            final StorageNode node = new StorageNode(new StorageNodeContext()
                .channels(nodeChannels).store(store).counters(counters).replicationFactor(1).peer(NODE, nodeEndpoint));
            final Long2ObjectHashMap<Endpoint> local = new Long2ObjectHashMap<>();
            local.put(NODE, nodeEndpoint);
            final StoreClient reader = new StoreClient(readerChannels, local, 1, 64, this);
            final Runnable duty = () -> { transport.invoke(); node.doWork(); reader.doWork(); };
            outcomes = 0;
            final long connect = reader.connect(NODE, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            Await.until(duty, () -> outcomes == 1, Duration.ofSeconds(20), () -> "reader connected " + connect);

            // Ask for every acknowledged key, 200 per multi-get.
            final List<byte[]> batch = new ArrayList<>();
            int requests = 0;
            outcomes = 0;
            for (int k = acknowledged.nextSetBit(0); k >= 0; k = acknowledged.nextSetBit(k + 1))
            {
                batch.add(("k-" + k).getBytes(StandardCharsets.US_ASCII));
                if (batch.size() == 200 || acknowledged.nextSetBit(k + 1) < 0)
                {
                    final long id = reader.multiGet(NODE, new ArrayList<>(batch), System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
                    assertTrue(id > 0);
                    batch.clear();
                    requests++;
                    final int expected = requests;
                    Await.until(duty, () -> outcomes == expected, Duration.ofSeconds(20), () -> "multi-get answered");
                }
            }
            assertEquals(0, wrongValues, "a served value differs from the acknowledged one");
            final BitSet missing = (BitSet)acknowledged.clone();
            missing.andNot(served);
            assertEquals(0, missing.cardinality(), () -> "acknowledged but not served after recovery: " + missing);
        }
    }

    private Process startChild(final File dataDir, final int port, final File log) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StorageNodeProcess.class.getName());
        command.add(dataDir.getAbsolutePath());
        command.add(Integer.toString(port));
        command.add(Long.toString(NODE));
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        // One thread reads the child's output: the lines before READY for a failure's message, then the rest into
        // a file so the child never blocks on a full pipe. The test thread waits for READY with a deadline (a read
        // of a pipe cannot be interrupted, so it must not be the test thread's), and a child that dies at start
        // or is stalled past the deadline is killed and the test fails with what it printed.
        final StringBuffer before = new StringBuffer();
        final CompletableFuture<String> ready = new CompletableFuture<>();
        final Thread drain = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                java.io.FileWriter out = new java.io.FileWriter(log, StandardCharsets.UTF_8))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    if (!ready.isDone())
                    {
                        if (line.startsWith("READY"))
                        {
                            ready.complete(line);
                        }
                        else
                        {
                            before.append(line).append('\n');
                        }
                    }
                    else
                    {
                        out.write(line);
                        out.write('\n');
                    }
                }
            }
            catch (final java.io.IOException ignore)
            {
                // The child was killed: its output ends here.
            }
            ready.completeExceptionally(new IllegalStateException("the child's output ended before READY"));
        });
        drain.setDaemon(true);
        drain.start();
        try
        {
            ready.get(120, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("child did not start (" + ex + "):\n" + before, ex);
        }
        return child;
    }

    private static int freePort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    public void onConnected(final long correlationId)
    {
        outcomes++;
    }

    public void onPutAcknowledged(final long correlationId)
    {
        acknowledged.set((int)keyByCorrelation.get(correlationId));
    }

    public void onGetEntry(
        final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
        final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        if (!found)
        {
            return;
        }
        final int key = Integer.parseInt(buffer.getStringWithoutLengthAscii(keyOffset + 2, keyLength - 2));
        final byte[] bytes = new byte[valueLength];
        buffer.getBytes(valueOffset, bytes);
        final LwwLattice lww = (LwwLattice)LatticeCodec.fromBytes(bytes);
        if (lww.timestamp() != key || !Long.toString(key).equals(new String(lww.value().toByteArray(), StandardCharsets.US_ASCII)))
        {
            wrongValues++;
        }
        served.set(key);
    }

    public void onGetComplete(final long correlationId)
    {
        outcomes++;
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        outcomes++;
    }
}
