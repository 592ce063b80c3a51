package io.droplet.node;

import io.droplet.client.ClientConductor;
import io.droplet.client.DropletClient;
import io.droplet.client.Waiters;
import io.droplet.executors.CacheAgent;
import io.droplet.executors.ExecutorAgent;
import io.droplet.executors.HostCache;
import io.droplet.executors.ExecutorContext;
import io.droplet.executors.LocalFunctions;
import io.droplet.scheduler.SchedulerAgent;
import io.droplet.scheduler.SchedulerContext;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import io.droplet.store.lattice.LatticeMerger;
import io.droplet.store.node.StorageNode;
import io.droplet.store.node.StorageNodeContext;
import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The entry point for first use and tests: {@link #local()} starts a whole node in this process (an
 * embedded media driver, a scheduler, executors, a storage node and the client's agent, composed into
 * one duty cycle)
 * and hands back the same {@link DropletClient} API a service uses against a deployment.
 * <pre>
 *   try (DropletClient droplet = Droplet.local()) { ... }
 * </pre>
 * <b>Note:</b> thread-safe; each call starts an independent node.
 */
public final class Droplet
{
    private static final long SCHEDULER = 1;
    private static final long FIRST_EXECUTOR = 10;
    private static final long CLIENT = 1000;
    /** Node id of the local node's scheduler. */
    public static final long SCHEDULER_NODE = 1;
    /** Where the local node's scheduler receives. */
    public static final Endpoint SCHEDULER_ENDPOINT = new Endpoint("127.0.0.1", 0, 5001);
    /** Node id of the local node's storage node. */
    public static final long STORAGE_NODE = 20;
    /** Where the local node's storage node receives. */
    public static final Endpoint STORAGE_ENDPOINT = new Endpoint("127.0.0.1", 0, 5020);
    private static final long STORAGE = STORAGE_NODE;
    private static final long CACHE = 30;
    private static final long CACHE_STORAGE_CLIENT = 31;
    private static final long FIRST_REGISTRY_CLIENT = 40;

    private Droplet()
    {
    }

    /**
     * @param index of a local node's scheduler, from 0.
     * @return its node id.
     */
    public static long schedulerNode(final int index)
    {
        return SCHEDULER + index;
    }

    /**
     * @param index of a local node's scheduler, from 0.
     * @return where it receives.
     */
    public static Endpoint schedulerEndpoint(final int index)
    {
        return new Endpoint("127.0.0.1", 0, SCHEDULER_ENDPOINT.streamId() + index);
    }

    /**
     * @return a client of a new in-process node with default settings (one executor, a shared thread).
     */
    public static DropletClient local()
    {
        return local(new LocalContext());
    }

    /**
     * @param context settings.
     * @return a client of a new in-process node; closing it stops the node.
     */
    public static DropletClient local(final LocalContext context)
    {
        // Before the transport: the first Chronicle Map of a JVM is slow to create, and nothing may keep the
        // invoker-profile Aeron client waiting that long.
        ChronicleWarmUp.run();
        final Transport transport = Transport.launch(new TransportContext()
            .embeddedDriver(true)
            .aeronDirectoryName(context.aeronDirectoryName())
            .threadingProfile(ThreadingProfile.INVOKER)
            .localHost("127.0.0.1")
            .name("droplet-local"));
        final List<AutoCloseable> resources = new ArrayList<>();
        try
        {
            final Endpoint schedulerEndpoint = SCHEDULER_ENDPOINT;
            final LocalFunctions functions = new LocalFunctions();
            final List<Agent> agents = new ArrayList<>();
            agents.add(transport.conductorAgent());

            final boolean temporary = null == context.dataDirectory();
            final File dataDirectory = temporary ? Files.createTempDirectory("droplet-local-").toFile() : context.dataDirectory();
            if (temporary)
            {
                resources.add(() -> IoUtil.delete(dataDirectory, true));
            }
            final StoreCounters storeCounters = new StoreCounters(transport.aeron()::addCounter, "storage");
            final LatticeStore store = LatticeStore.open(new StoreContext()
                .dataDirectory(dataDirectory)
                .entries(100_000)
                .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
                .counters(storeCounters)
                .errorHandler(transport.errorHandler()));
            resources.add(store);
            resources.add(storeCounters);
            final Endpoint storageEndpoint = STORAGE_ENDPOINT;
            final NodeChannels storageChannels = new NodeChannels(transport, STORAGE, storageEndpoint, "storage");
            resources.add(storageChannels);
            agents.add(new StorageNode(new StorageNodeContext()
                .channels(storageChannels).store(store).counters(storeCounters).replicationFactor(1).peer(STORAGE, storageEndpoint)));
            final org.agrona.collections.Long2ObjectHashMap<Endpoint> storageNodes = new org.agrona.collections.Long2ObjectHashMap<>();
            storageNodes.put(STORAGE, STORAGE_ENDPOINT);

            // Schedulers keep the registry in the KVS, each through a storage client of its own.
            final List<SchedulerAgent> schedulers = new ArrayList<>();
            for (int i = 0; i < context.schedulers(); i++)
            {
                final NodeChannels schedulerChannels = new NodeChannels(
                    transport, schedulerNode(i), schedulerEndpoint(i), "scheduler-" + i);
                resources.add(schedulerChannels);
                final NodeChannels registryChannels = new NodeChannels(
                    transport, FIRST_REGISTRY_CLIENT + i, new Endpoint("127.0.0.1", 0, 5040 + i), "registry-client-" + i);
                resources.add(registryChannels);
                final SchedulerAgent scheduler = new SchedulerAgent(new SchedulerContext()
                    .channels(schedulerChannels)
                    .registryStorage(registryChannels, storageNodes, 1, HashRing.DEFAULT_VIRTUAL_NODES));
                schedulers.add(scheduler);
                agents.add(scheduler);
            }
            // The host cache: a mapped file executors read directly, written by the cache agent.
            final File cacheFile = new File(shmOrTemp(), "droplet-cache-" + java.util.UUID.randomUUID() + ".dat");
            resources.add(() -> IoUtil.deleteIfExists(cacheFile));
            final HostCache cache = new HostCache(cacheFile, 100_000);
            resources.add(cache);
            final Endpoint cacheEndpoint = new Endpoint("127.0.0.1", 0, 5030);
            final NodeChannels cacheChannels = new NodeChannels(transport, CACHE, cacheEndpoint, "cache");
            resources.add(cacheChannels);
            final NodeChannels cacheStorageChannels = new NodeChannels(
                transport, CACHE_STORAGE_CLIENT, new Endpoint("127.0.0.1", 0, 5031), "cache-storage-client");
            resources.add(cacheStorageChannels);
            final CacheAgent cacheAgent = new CacheAgent(
                cacheChannels, cacheStorageChannels, storageNodes, 1, HashRing.DEFAULT_VIRTUAL_NODES, cache);
            for (int i = 0; i < context.schedulers(); i++)
            {
                cacheAgent.announceTo(schedulerNode(i), schedulerEndpoint(i));
            }

            for (int i = 0; i < context.executors(); i++)
            {
                final Endpoint executorEndpoint = new Endpoint("127.0.0.1", 0, 5010 + i);
                final NodeChannels executorChannels = new NodeChannels(
                    transport, FIRST_EXECUTOR + i, executorEndpoint, "executor-" + i);
                resources.add(executorChannels);
                cacheChannels.peers().register(FIRST_EXECUTOR + i, executorEndpoint);
                final ExecutorContext executorContext = new ExecutorContext()
                    .channels(executorChannels)
                    .functions(functions)
                    .cache(cache, CACHE, cacheEndpoint);
                for (int s = 0; s < context.schedulers(); s++)
                {
                    executorContext.scheduler(schedulerNode(s), schedulerEndpoint(s));
                }
                agents.add(new ExecutorAgent(executorContext));
            }
            agents.add(cacheAgent);
            final NodeChannels clientChannels = new NodeChannels(transport, CLIENT, new Endpoint("127.0.0.1", 0, 5100), "client");
            resources.add(clientChannels);
            final ClientConductor conductor = new ClientConductor(clientChannels, SCHEDULER, schedulerEndpoint, context.codecs(), 65_536);
            agents.add(conductor);

            final CompositeAgent node = new CompositeAgent(agents);
            final DropletClient.Waiter waiter;
            final Runnable stop;
            if (context.threading() == ThreadingProfile.INVOKER)
            {
                final AgentInvoker invoker = new AgentInvoker(transport.errorHandler(), null, node);
                invoker.start();
                waiter = (future, deadlineNs) -> drive(invoker, future, deadlineNs);
                stop = () -> CloseHelper.quietClose(invoker);
            }
            else
            {
                final IdleStrategy idle = context.threading() == ThreadingProfile.DEDICATED ?
                    new BusySpinIdleStrategy() : new BackoffIdleStrategy(100, 10, 1_000, 100_000);
                final AgentRunner runner = new AgentRunner(idle, transport.errorHandler(), null, node);
                AgentRunner.startOnThread(runner);
                waiter = Waiters::spinThenPark;
                stop = () -> CloseHelper.quietClose(runner);
            }

            final DropletClient client = new DropletClient(conductor, context.callTimeoutNs(), functions::install, waiter,
                () ->
                {
                    stop.run();
                    closeInReverse(resources);
                    CloseHelper.quietClose(transport);
                },
                context.codecs());
            try
            {
                client.connect();
                client.useStorage(Map.of(STORAGE, storageEndpoint), 1, HashRing.DEFAULT_VIRTUAL_NODES);
                for (final SchedulerAgent scheduler : schedulers)
                {
                    awaitExecutors(scheduler, context.executors(), waiter);
                }
            }
            catch (final RuntimeException ex)
            {
                client.close();
                throw ex;
            }
            return client;
        }
        catch (final RuntimeException ex)
        {
            closeInReverse(resources);
            CloseHelper.quietClose(transport);
            throw ex;
        }
        catch (final IOException ex)
        {
            closeInReverse(resources);
            CloseHelper.quietClose(transport);
            throw new UncheckedIOException("cannot create the local node's data directory", ex);
        }
    }

    private static File shmOrTemp()
    {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm : new File(System.getProperty("java.io.tmpdir"));
    }

    private static void closeInReverse(final List<AutoCloseable> resources)
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
    }

    private static void awaitExecutors(final SchedulerAgent scheduler, final int expected, final DropletClient.Waiter waiter)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final CompletableFuture<Void> never = new CompletableFuture<>();
        while (scheduler.liveExecutorCount() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("executors did not join the scheduler within 10 s");
            }
            waiter.await(never, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static void drive(final AgentInvoker invoker, final CompletableFuture<?> future, final long deadlineNs)
    {
        // At least one duty cycle, so a caller can let the node work once without waiting for anything.
        do
        {
            invoker.invoke();
        }
        while (!future.isDone() && System.nanoTime() - deadlineNs < 0);
    }
}
