package io.droplet.perf.peers;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.IMap;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Hazelcast (community edition) as a function runtime with state: one member in a JVM of its own
 * ({@link HazelcastMemberMain}) and a {@link HazelcastClient} in this one, over TCP on 127.0.0.1. A call
 * submits the increment task to the member's {@link IExecutorService}, waits, submits square with its
 * result, waits, then stores the result in an {@link IMap} under {@code x} (the state half of the
 * comparison: Droplet's functions write to its store).
 * <p>
 * The cluster name is unique to each start, multicast is off, phone-home is off and logging is off, so
 * runs neither meet each other nor print; the tasks and the map's entries cross the process boundary in
 * Hazelcast's own serialization ({@link HazelcastFunctions}, built-in longs).
 * <p>
 * <b>Note:</b> not thread-safe (see {@link PeerSystem}).
 */
public final class HazelcastPeer implements PeerSystem
{
    /** Name of the executor service that runs the functions. */
    public static final String EXECUTOR = "droplet-peer-functions";
    /** Name of the map the results are stored in. */
    public static final String MAP = "droplet-peer-results";

    private static final long START_DEADLINE_MS = 90_000;
    private static final long CALL_DEADLINE_MS = 10_000;

    /** What Hazelcast's documentation asks for on JDK 9 and later; it runs without them, with a warning. */
    private static final List<String> MEMBER_JVM_FLAGS = List.of(
        "--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-Xmx512m",
        "-Dhazelcast.logging.type=none",
        "-Dhazelcast.phone.home.enabled=false");

    private File directory;
    private PeerProcess member;
    private HazelcastInstance client;
    private IExecutorService executor;
    private IMap<Long, Long> results;

    /**
     * Starts the member's JVM, waits (with a deadline) until it prints its port, and connects the client.
     *
     * @throws Exception if the member does not start in time or the client cannot connect.
     */
    @Override
    public void start() throws Exception
    {
        final String clusterName = "droplet-peer-" + UUID.randomUUID();
        directory = Files.createTempDirectory("droplet-hazelcast-peer").toFile();

        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(MEMBER_JVM_FLAGS);
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(HazelcastMemberMain.class.getName());
        command.add(clusterName);
        member = PeerProcess.start(
            "hazelcast member", command, directory, new File(directory, "member.log"), Map.of());

        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
        final int port = Integer.parseInt(member.awaitLine(HazelcastMemberMain.READY, deadlineNs).trim());

        client = HazelcastClient.newHazelcastClient(clientConfig(clusterName, port));
        executor = client.getExecutorService(EXECUTOR);
        results = client.getMap(MAP);
    }

    /**
     * {@inheritDoc}
     *
     * @throws java.util.concurrent.ExecutionException if a task fails on the member.
     * @throws java.util.concurrent.TimeoutException   if a task misses its deadline.
     */
    @Override
    public long call(final long x) throws Exception
    {
        final long incremented = executor.submit(HazelcastFunctions.increment(x))
            .get(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
        final long squared = executor.submit(HazelcastFunctions.square(incremented))
            .get(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
        results.set(x, squared);
        return squared;
    }

    /**
     * Shuts the client down, stops the member's JVM (killing it if it does not exit in time) and deletes
     * its directory.
     */
    @Override
    public void close()
    {
        try
        {
            if (null != client)
            {
                client.shutdown();
            }
        }
        finally
        {
            client = null;
            executor = null;
            results = null;
            if (null != member)
            {
                member.close();
                member = null;
            }
            if (null != directory)
            {
                PeerFiles.deleteQuietly(directory);
                directory = null;
            }
        }
    }

    /**
     * This JVM's class path with every entry made absolute: the member runs in its own directory.
     */
    private static String absoluteClassPath()
    {
        final StringJoiner classPath = new StringJoiner(File.pathSeparator);
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            classPath.add(new File(entry).getAbsolutePath());
        }
        return classPath.toString();
    }

    private static ClientConfig clientConfig(final String clusterName, final int port)
    {
        final ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-client");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().addAddress("127.0.0.1:" + port);
        config.getConnectionStrategyConfig().getConnectionRetryConfig()
            .setClusterConnectTimeoutMillis(START_DEADLINE_MS);
        config.getSerializationConfig()
            .addDataSerializableFactory(HazelcastFunctions.FACTORY_ID, new HazelcastFunctions());
        return config;
    }
}
