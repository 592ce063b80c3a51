package io.droplet.node.cli;

import io.droplet.node.NodeContext;
import io.droplet.node.NodeLauncher;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportConfiguration;
import io.droplet.transport.TransportContext;
import org.agrona.collections.Long2ObjectHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code droplet node}: runs the chosen roles against the host's media driver until SIGINT or SIGTERM (then
 * closes them in order and exits 0), or until a duty cycle fails (exit 70, one line on standard error naming
 * the cause, so the service manager restarts it; exit statuses: {@link ProcessStop}),
 * started by {@link NodeLauncher} as an in-process node is: composed into one duty cycle on one thread
 * ({@code --threading shared}, the default), or a busy-spinning thread per role ({@code dedicated}).
 * Functions registered by class are loaded from this process's class path (or from the jar a client
 * ships).
 * <p>
 * Roles: {@code storage} (a storage node of the lattice KVS, data under {@code --data}), {@code cache}
 * (the host cache and its agent, in a mapped file executors of this host read directly),
 * {@code scheduler} (its registry kept in the KVS of {@code --storage}), {@code executor}. Several
 * schedulers may serve one deployment: executors and caches heartbeat to every one named by
 * {@code --scheduler} and {@code --other-scheduler}.
 * <p>
 * Ids and streams of the helper clients are derived so a host needs no more settings (see
 * {@link NodeContext}): the scheduler's registry client is node {@code scheduler-id + 1000} on stream
 * {@code scheduler stream + 1000}, the cache's storage client is {@code cache-id + 1} on stream
 * {@code cache stream + 1}.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run Droplet roles (storage, cache, scheduler, executor) against the host's media driver until SIGINT/SIGTERM.")
public final class NodeCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Aeron directory of the host's media driver.")
    private String dir;

    @Option(names = "--roles", split = ",", required = true,
        description = "Comma-separated: storage, cache, scheduler, executor.")
    private List<String> roles;

    @Option(names = "--host", description = "This host as peers see it (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--scheduler-id", description = "Node id of the scheduler (default: ${DEFAULT-VALUE}).")
    private long schedulerId = 1;

    @Option(names = "--scheduler-endpoint", description = "host:port/stream of the scheduler (default: ${DEFAULT-VALUE}).")
    private String schedulerEndpoint = "127.0.0.1:0/5001";

    @Option(names = "--executor-id", description = "Node id of this node's executor (default: ${DEFAULT-VALUE}).")
    private long executorId = 10;

    @Option(names = "--executor-endpoint", description = "host:port/stream of this node's executor (default: ${DEFAULT-VALUE}).")
    private String executorEndpoint = "127.0.0.1:0/5010";

    @Option(names = "--other-scheduler", description = "id@host:port/stream of another scheduler of the deployment (repeatable).")
    private List<String> otherSchedulers = new ArrayList<>();

    @Option(names = "--storage", description = "id@host:port/stream of a storage node of the ring (repeatable; default 20@127.0.0.1:0/5020).")
    private List<String> storage = new ArrayList<>();

    @Option(names = "--replication", description = "Replication factor of the storage ring (default: ${DEFAULT-VALUE}).")
    private int replicationFactor = 1;

    @Option(names = "--storage-id", description = "Node id of this node's storage node (default: ${DEFAULT-VALUE}).")
    private long storageId = 20;

    @Option(names = "--data", description = "Directory of this node's storage (default: ${DEFAULT-VALUE}).")
    private File data = new File("droplet-data");

    @Option(names = "--cache-id", description = "Node id of this host's cache agent (default: ${DEFAULT-VALUE}).")
    private long cacheId = 30;

    @Option(names = "--cache-endpoint", description = "host:port/stream of this host's cache agent (default: ${DEFAULT-VALUE}).")
    private String cacheEndpoint = "127.0.0.1:0/5030";

    @Option(names = "--cache-file", description = "Mapped file of this host's cache; an executor in another process "
        + "of the host reads it when given (default with the cache role: /dev/shm/droplet-cache-<cache-id>.dat).")
    private File cacheFile;

    @Option(names = "--credentials", description = "Credentials file of a secured deployment (a deployment-key line and a "
        + "client line per identity): nodes then admit frames only from other nodes and authenticated clients.")
    private File credentials;

    private io.droplet.transport.security.CredentialsFile deployment;

    @Option(names = "--threading", description = "shared (default: one thread, back-off idling) or dedicated (a busy-spinning thread per role).")
    private String threading = "shared";

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final Set<String> chosen = new TreeSet<>();
        for (final String role : roles)
        {
            final String name = role.trim().toLowerCase(Locale.ROOT);
            if (!name.equals("scheduler") && !name.equals("executor") && !name.equals("storage") && !name.equals("cache"))
            {
                throw new IllegalArgumentException("unknown role " + role + ": storage, cache, scheduler or executor");
            }
            chosen.add(name);
        }
        final ThreadingProfile profile = TransportConfiguration.parseThreading(threading);
        final io.droplet.transport.security.CredentialsFile secured = null == credentials ? null :
            io.droplet.transport.security.CredentialsFile.read(credentials.toPath());
        if (null != secured && null == secured.deploymentKey())
        {
            throw new IllegalArgumentException(credentials + " has no deployment-key line: a node needs one");
        }
        deployment = secured;
        final Endpoint scheduler = Endpoint.parse(schedulerEndpoint);
        final Long2ObjectHashMap<Endpoint> schedulers = new Long2ObjectHashMap<>();
        schedulers.put(schedulerId, scheduler);
        for (final String other : otherSchedulers)
        {
            putNode(schedulers, other);
        }
        final Long2ObjectHashMap<Endpoint> storageNodes = new Long2ObjectHashMap<>();
        for (final String node : storage.isEmpty() ? List.of("20@127.0.0.1:0/5020") : storage)
        {
            putNode(storageNodes, node);
        }

        final ProcessStop stop = ProcessStop.install("droplet node");
        final int exitStatus;
        // Runs the roles until SIGINT/SIGTERM or a failed duty cycle; if the host's media driver is lost meanwhile,
        // waits for a new one and starts the roles again on it (their state lives in the store and is reloaded).
        try
        {
            while (!stop.isStopping())
            {
                awaitDriver(stop);
                if (!stop.isStopping() && runUntilStoppedOrDriverLost(chosen, profile, scheduler, schedulers, storageNodes, stop))
                {
                    System.out.println("droplet node: the media driver at " + dir + " was lost (no heartbeat within the driver " +
                        "timeout); stopped the roles, waiting for a new driver");
                    System.out.flush();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // A role that cannot start (a truncated store file, say): one line on stderr, then the exception ends
            // the process with a non-zero status once the node is closed below.
            System.err.println("droplet node: cannot run: " + ex.getMessage());
            System.err.flush();
            throw ex;
        }
        finally
        {
            // Only now, with the roles closed in order (store marked clean, cache file removed), may the process exit.
            System.out.println("droplet node stopped");
            System.out.flush();
            exitStatus = stop.closed();
        }
        return exitStatus;
    }

    private void awaitDriver(final ProcessStop stop)
    {
        boolean said = false;
        while (!stop.isStopping() && !io.aeron.CommonContext.isDriverActive(new File(dir), 1_000, message -> { }))
        {
            if (!said)
            {
                System.out.println("droplet node: waiting for a media driver at " + dir);
                System.out.flush();
                said = true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
    }

    /**
     * @return true if the driver was lost, false if stopped by a signal.
     */
    private boolean runUntilStoppedOrDriverLost(
        final Set<String> chosen, final ThreadingProfile profile, final Endpoint scheduler,
        final Long2ObjectHashMap<Endpoint> schedulers, final Long2ObjectHashMap<Endpoint> storageNodes,
        final ProcessStop stop)
    {
        try (NodeLauncher launcher = NodeLauncher.launch(
            nodeContext(chosen, profile, scheduler, schedulers, storageNodes).agentFailureListener(stop::agentFailed)))
        {
            launcher.start();
            System.out.println("droplet node running: roles=" + chosen + " dir=" + dir);
            System.out.flush();
            while (!stop.isStopping() && launcher.isRunning())
            {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
            if (stop.isStopping())
            {
                System.out.println("droplet node stopping");
                System.out.flush();
            }
            return !stop.isStopping();
        }
    }

    private NodeContext nodeContext(
        final Set<String> chosen, final ThreadingProfile profile, final Endpoint scheduler,
        final Long2ObjectHashMap<Endpoint> schedulers, final Long2ObjectHashMap<Endpoint> storageNodes)
    {
        final NodeContext node = new NodeContext()
            .transportContext(new TransportContext()
                .embeddedDriver(false)
                .aeronDirectoryName(dir)
                // In the shared profile the Aeron client's conductor runs in the roles' duty cycle: if the driver is
                // lost, the client closes (unmapping its files) on this very thread, which then stops before any
                // agent touches them. While a function holds the thread, the transport's conductor standby keeps the
                // client heart-beating, so the driver's short client liveness timeout does not reap it; a hold longer
                // than the standby covers (droplet.conductor.standby, 10 s) plus that timeout costs a reconnect, not
                // a crash.
                .localHost(host)
                .credentials(null != deployment ? deployment : TransportConfiguration.credentials())
                .name("node-" + String.join("-", chosen)))
            // A node needs a thread of its own: the invoker profile (no thread) runs as shared here.
            .threading(profile == ThreadingProfile.INVOKER ? ThreadingProfile.SHARED : profile)
            .replicationFactor(replicationFactor);
        schedulers.forEach(node::scheduler);
        storageNodes.forEach(node::storageNode);
        if (chosen.contains("storage"))
        {
            if (null == storageNodes.get(storageId))
            {
                throw new IllegalArgumentException("--storage-id " + storageId + " is not one of the --storage nodes");
            }
            node.runStorage(storageId, "storage-" + storageId, data, 0);
        }
        if (chosen.contains("scheduler"))
        {
            node.runScheduler(schedulerId, scheduler, "scheduler");
        }
        final Endpoint cacheSelf = Endpoint.parse(cacheEndpoint);
        if (chosen.contains("cache"))
        {
            node.runCache(cacheId, cacheSelf,
                null != cacheFile ? cacheFile : new File("/dev/shm", "droplet-cache-" + cacheId + ".dat"));
        }
        else if (null != cacheFile)
        {
            node.readCache(cacheId, cacheSelf, cacheFile);
        }
        if (chosen.contains("executor"))
        {
            node.runExecutor(executorId, Endpoint.parse(executorEndpoint), "executor");
        }
        return node;
    }

    private static void putNode(final Long2ObjectHashMap<Endpoint> nodes, final String spec)
    {
        final int at = spec.indexOf('@');
        if (at <= 0)
        {
            throw new IllegalArgumentException("expected id@host:port/stream: " + spec);
        }
        nodes.put(Long.parseLong(spec.substring(0, at).trim()), Endpoint.parse(spec.substring(at + 1).trim()));
    }
}
