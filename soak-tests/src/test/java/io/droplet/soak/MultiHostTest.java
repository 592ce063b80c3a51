package io.droplet.soak;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.ReservedValueSupplier;
import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.scheduler.SchedulerCounters;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Square;
import io.droplet.soak.functions.Trace;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hosts, each a network namespace with its own address (10.77.0.1-3), media driver process and
 * {@code droplet node} process with every role (the storage ring replicates every key on all three),
 * joined by a bridge; a client on host 1. A DAG's stages run on different hosts and pass outputs
 * between them over UDP. Then host 3 is partitioned away (its link down): calls during the partition end
 * with results or typed errors, the scheduler stops placing work there within the failure-detection
 * timeout, and after healing every key converges on all three replicas with no value going backwards.
 */
class MultiHostTest
{
    private static final int HOSTS = 3;
    private static final int KEYS = 64;
    private static final int CONVERGE_SECONDS = 60;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void dagsSpanHostsAndAPartitionedHostIsDroppedAndCatchesUp() throws Exception
    {
        try (NetworkNamespaces net = new NetworkNamespaces("dq", HOSTS);
            Deployment deployment = new Deployment(watcher, "multi-host"))
        {
            // A secured deployment: nodes admit only each other and authenticated clients.
            final File credentials = new File(deployment.logs(), "credentials");
            java.nio.file.Files.writeString(credentials.toPath(), "deployment-key " + hex(32) + "\nclient tester mh " + hex(32) + " *\n");
            final String[] dirs = new String[HOSTS + 1];
            for (int i = 1; i <= HOSTS; i++)
            {
                dirs[i] = watcher.aeronDirectory("multi-host-h" + i);
                deployment.startIn(net.inHost(i, List.of()), "driver-" + i, List.of("driver", "--dir", dirs[i]));
            }
            for (int i = 1; i <= HOSTS; i++)
            {
                final String dir = dirs[i];
                Await.until(() -> new File(dir, "cnc.dat").exists(), Duration.ofSeconds(30), () -> "driver started in its namespace");
                deployment.startIn(net.inHost(i, List.of()), "node-" + i, nodeArgs(i, dir, deployment.logs(), credentials));
            }

            final Endpoint scheduler = Endpoint.parse(NetworkNamespaces.address(1) + ":40001/5001");
            final DropletClient[] holder = new DropletClient[1];
            Await.until(() ->
            {
                try
                {
                    RemoteContext context = new RemoteContext()
                        .aeronDirectoryName(dirs[1])
                        .localHost(NetworkNamespaces.address(1))
                        .clientNode(1_000_000)
                        .clientEndpoint(Endpoint.parse(NetworkNamespaces.address(1) + ":40100/5100"))
                        .scheduler(1, scheduler)
                        .replicationFactor(HOSTS)
                        .callTimeoutNs(TimeUnit.SECONDS.toNanos(5))
                        .credentials(credentials.toPath(), "tester");
                    for (int i = 1; i <= HOSTS; i++)
                    {
                        context = context.storage(20 + i, Endpoint.parse(NetworkNamespaces.address(i) + ":40020/5020"));
                    }
                    holder[0] = DropletClient.connect(context);
                    return true;
                }
                catch (final RuntimeException ex)
                {
                    return false;
                }
            }, Duration.ofSeconds(150), () -> "client connected");

            try (DropletClient client = holder[0])
            {
                // Every host up first: a registration is stored with ack ALL, on all three replicas.
                // Scheduler 1 was given no other scheduler and executors only their own host's: it learns all three
                // executors once the schedulers have found each other through the storage ring.
                Await.until(() -> liveExecutors(dirs[1]) == HOSTS, Duration.ofSeconds(90), Duration.ofMillis(50),
                    () -> "three executors live at scheduler 1 (schedulers discovered through the KVS)");
                System.out.println("MULTI-HOST scheduler 1 knows all " + HOSTS + " executors, found through the storage ring");
                Await.until(() ->
                {
                    try
                    {
                        client.registerFunction("increment", Increment.class);
                        return true;
                    }
                    catch (final DropletException ex)
                    {
                        return false;
                    }
                }, Duration.ofSeconds(90), Duration.ofMillis(50), () -> "the registry stored on all three replicas");
                client.registerFunction("square", Square.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                for (int s = 1; s <= 3; s++)
                {
                    client.registerFunction("trace-" + s, Trace.class);
                }
                client.registerDag("trace", List.of("trace-1", "trace-2", "trace-3"),
                    List.of(Connection.of("trace-1", "trace-2"), Connection.of("trace-2", "trace-3")));
                Await.until(() -> liveExecutors(dirs[1]) == HOSTS, Duration.ofSeconds(90), () -> "three executors live");
                Await.until(() -> served(client), Duration.ofSeconds(60), () -> "served");

                // A DAG across hosts: each stage names its executor (executor 1i runs on host i).
                final Set<String> hostsSeen = new HashSet<>();
                int spanning = 0;
                for (int c = 0; c < 30; c++)
                {
                    final String path = (String)client.callDag("trace", (long)c);
                    final Set<String> distinct = new HashSet<>(List.of(path.split(">")));
                    hostsSeen.addAll(distinct);
                    spanning += distinct.size() > 1 ? 1 : 0;
                }
                System.out.println("MULTI-HOST trace DAGs spanning hosts: " + spanning + " of 30; executors seen " + hostsSeen);
                assertTrue(spanning > 0, "some DAG ran its stages on different hosts");
                assertEquals(Set.of("11", "12", "13"), hostsSeen, "every host ran stages");

                injectFromAnotherHost(client, dirs);

                for (int k = 0; k < KEYS; k++)
                {
                    client.putAsync("k-" + k, MaxLattice.of(1), AckLevel.ALL).get(10, TimeUnit.SECONDS);
                }

                // Partition host 3.
                final long partitionedAt = System.nanoTime();
                net.partition(3);
                final List<CompletableFuture<Object>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
                final List<Long> expected = java.util.Collections.synchronizedList(new ArrayList<>());
                final Map<Integer, Long> acknowledged = new HashMap<>();
                final List<String> putFailures = new ArrayList<>();
                // Calls keep going during the partition, eight in flight, from a thread of their own.
                final java.util.concurrent.atomic.AtomicBoolean calling = new java.util.concurrent.atomic.AtomicBoolean(true);
                final Thread caller = new Thread(() ->
                {
                    for (long x = 0; calling.get(); x++)
                    {
                        expected.add((x + 1) * (x + 1));
                        calls.add(client.callDagAsync("dag", x));
                        if (calls.size() >= 8)
                        {
                            calls.get(calls.size() - 8).handle((value, failure) -> null).join();
                        }
                    }
                }, "partition-caller");
                caller.start();
                Await.until(() -> liveExecutors(dirs[1]) == HOSTS - 1, Duration.ofSeconds(10), Duration.ofMillis(20),
                    () -> "the scheduler stopped placing work on host 3");
                final double droppedAfter = (System.nanoTime() - partitionedAt) / 1e9;
                final int atDrop = calls.size();
                Await.until(() -> calls.size() >= atDrop + 500, Duration.ofSeconds(60), Duration.ofMillis(20),
                    () -> "calls after host 3 was dropped");
                calling.set(false);
                caller.join(60_000);
                final StringBuilder putTimes = new StringBuilder();
                for (int k = 0; k < KEYS; k++)
                {
                    final long putAt = System.nanoTime();
                    try
                    {
                        client.putAsync("k-" + k, MaxLattice.of(2), AckLevel.ONE).get(10, TimeUnit.SECONDS);
                        acknowledged.put(k, 2L);
                        putTimes.append(k).append(':').append((System.nanoTime() - putAt) / 1_000_000).append("ms ");
                    }
                    catch (final java.util.concurrent.ExecutionException ex)
                    {
                        // The key's primary is on the partitioned host and not yet suspected: a typed error, the value
                        // stays 1 for now.
                        assertTrue(ex.getCause() instanceof DropletException, "typed: " + ex.getCause());
                        putFailures.add("k-" + k + ": " + ex.getCause().getMessage() + " after " +
                            (System.nanoTime() - partitionedAt) / 1_000_000 + " ms, host 3's storage suspected: " +
                            client.isSuspected(23));
                    }
                }
                int results = 0;
                final Map<ErrorCode, Integer> errors = new EnumMap<>(ErrorCode.class);
                for (int i = 0; i < calls.size(); i++)
                {
                    try
                    {
                        assertEquals(expected.get(i), calls.get(i).get(30, TimeUnit.SECONDS));
                        results++;
                    }
                    catch (final java.util.concurrent.ExecutionException ex)
                    {
                        assertTrue(ex.getCause() instanceof DropletException, "typed: " + ex.getCause());
                        errors.merge(((DropletException)ex.getCause()).code(), 1, Integer::sum);
                    }
                }

                if (acknowledged.size() < KEYS - 2)
                {
                    System.out.println("MULTI-HOST counters on host 2 after the puts:");
                    Deployment.printCounters(dirs[2]);
                }
                // Host 3 left the clients' ring: after the first put it left unanswered, its keys go to their next replica.
                assertTrue(acknowledged.size() >= KEYS - 2, "puts during the partition fail over to live replicas: " +
                    acknowledged.size() + " of " + KEYS + " acknowledged; failed " + putFailures + "; put times " + putTimes);
                net.heal(3);
                Await.until(() -> liveExecutors(dirs[1]) == HOSTS, Duration.ofSeconds(60), () -> "host 3 rejoined");
                final Map<String, long[]> replicas = ReplicasAgree.converge(dirs, acknowledged, credentials, HOSTS, KEYS, CONVERGE_SECONDS);
                System.out.printf("MULTI-HOST partition: %d calls, %d results, errors %s, lost 0; host 3 dropped after %.1f s; " +
                    "%d of %d puts during the partition acknowledged; after healing all %d keys equal on the 3 replicas%n",
                    calls.size(), results, errors, droppedAfter, acknowledged.size(), KEYS, replicas.size());
                assertTrue(droppedAfter > 0 && droppedAfter < 4, "the scheduler stopped placing on host 3 within the timeout: " +
                    droppedAfter + " s");
                assertTrue(served(client), "serving after healing");
            }
        }
    }

    /**
     * Frames sent from host 3's network namespace, through its driver, over UDP to host 1's scheduler, executor and
     * storage node, with no session and with guessed tokens: each is dropped unread and counted, and nothing runs
     * or is written.
     */
    private static void injectFromAnotherHost(final DropletClient client, final String[] dirs)
    {
        final long droppedBefore = Deployment.sumEndingOn(dirs[1], "frames rejected: unauthenticated");
        final long invocationsBefore = Deployment.sumEndingOn(dirs[1], ": invocations started");
        final long stagesBefore = Deployment.sumEndingOn(dirs[1], ": executor stages run");
        final String host1 = NetworkNamespaces.address(1);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        int injected = 0;
        try (Aeron attacker = Aeron.connect(new Aeron.Context().aeronDirectoryName(dirs[3]));
            ExclusivePublication scheduler = attacker.addExclusivePublication("aeron:udp?endpoint=" + host1 + ":40001", 5001);
            ExclusivePublication executor = attacker.addExclusivePublication("aeron:udp?endpoint=" + host1 + ":40010", 5010);
            ExclusivePublication storage = attacker.addExclusivePublication("aeron:udp?endpoint=" + host1 + ":40020", 5020))
        {
            Await.until(() -> scheduler.isConnected() && executor.isConnected() && storage.isConnected(), Duration.ofSeconds(30),
                () -> "the attacker's publications reached host 1");
            final byte[] key = "mh/injected".getBytes(StandardCharsets.UTF_8);
            final byte[] value = LatticeCodec.toBytes(MaxLattice.of(666));
            for (int round = 0; round < 100; round++)
            {
                final long token = 0 == round ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong();
                final ReservedValueSupplier forged = (termBuffer, termOffset, frameLength) -> token;
                int length = MessageHeaderEncoder.ENCODED_LENGTH + new RegisterFunctionEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .correlationId(round).sessionId(999).version(1).kind(FunctionKind.JAVA).name("mh/evil")
                    .entryPoint(Increment.class.getName()).putCode(new byte[0], 0, 0).encodedLength();
                injected += offer(scheduler, buffer, length, forged);
                final CallFunctionEncoder call = new CallFunctionEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .correlationId(round).sessionId(999).replyTo(999).deadline(Long.MAX_VALUE).mode(CallMode.FG).periodNs(0);
                call.timesCount(0);
                length = MessageHeaderEncoder.ENCODED_LENGTH + call.function("mh/increment").putArgs(new byte[0], 0, 0).encodedLength();
                injected += offer(scheduler, buffer, length, forged);
                injected += offer(executor, buffer, length, forged);
                length = MessageHeaderEncoder.ENCODED_LENGTH + new KvsPutEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .correlationId(round).replyTo(999).ack(AckLevel.ONE).putKey(key, 0, key.length)
                    .putValue(value, 0, value.length).encodedLength();
                injected += offer(storage, buffer, length, forged);
            }
        }
        final int sent = injected;
        Await.until(() -> Deployment.sumEndingOn(dirs[1], "frames rejected: unauthenticated") >= droppedBefore + sent,
            Duration.ofSeconds(30), () -> "host 1 counted the " + sent + " injected frames");
        assertEquals(invocationsBefore, Deployment.sumEndingOn(dirs[1], ": invocations started"), "no invocation started");
        assertEquals(stagesBefore, Deployment.sumEndingOn(dirs[1], ": executor stages run"), "no stage ran");
        assertNull(client.get("injected"), "no write");
        assertFalse(client.listFunctions().contains("evil"), "nothing registered");
        System.out.println("MULTI-HOST injected from host 3's namespace: " + sent + " frames, dropped and counted on host 1: " +
            (Deployment.sumEndingOn(dirs[1], "frames rejected: unauthenticated") - droppedBefore));
    }

    private static int offer(final ExclusivePublication publication, final ExpandableArrayBuffer buffer, final int length,
        final ReservedValueSupplier reservedValue)
    {
        Await.until(() -> publication.offer(buffer, 0, length, reservedValue) > 0, Duration.ofSeconds(10), () -> "injected");
        return 1;
    }

    private static String hex(final int bytes)
    {
        final byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    private static List<String> nodeArgs(final int i, final String dir, final File logs, final File credentials)
    {
        final String address = NetworkNamespaces.address(i);
        final List<String> args = new ArrayList<>(List.of("node", "--dir", dir, "--host", address,
            "--credentials", credentials.getPath(),
            "--roles", "storage,cache,scheduler,executor",
            "--data", new File(logs, "data-" + i).getPath(),
            "--scheduler-id", Integer.toString(i), "--scheduler-endpoint", address + ":40001/5001",
            "--executor-id", Integer.toString(10 + i), "--executor-endpoint", address + ":40010/5010",
            "--cache-id", Integer.toString(30 + 2 * i), "--cache-endpoint", address + ":40030/5030",
            "--cache-file", new File(logs, "cache-" + i + ".dat").getPath(),
            "--storage-id", Integer.toString(20 + i), "--replication", Integer.toString(HOSTS)));
        for (int j = 1; j <= HOSTS; j++)
        {
            args.add("--storage");
            args.add((20 + j) + "@" + NetworkNamespaces.address(j) + ":40020/5020");
            // No --other-scheduler: each host's executor and cache know their own scheduler only, and the schedulers
            // find each other through the storage ring (the seeds), so scheduler 1 comes to know every executor.
        }
        return args;
    }

    private static long liveExecutors(final String dir)
    {
        return Deployment.sumOn(dir, SchedulerCounters.TYPE_ID_BASE + 2, "droplet scheduler-1: live executors");
    }

    private static boolean served(final DropletClient client)
    {
        try
        {
            return Long.valueOf(16).equals(client.callDag("dag", 3L));
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }
}
