package io.droplet.node;

import io.droplet.executors.CacheAgent;
import io.droplet.executors.ExecutorAgent;
import io.droplet.executors.ExecutorContext;
import io.droplet.executors.HostCache;
import io.droplet.executors.LocalFunctions;
import io.droplet.scheduler.SchedulerAgent;
import io.droplet.scheduler.SchedulerContext;
import io.droplet.api.lattice.LatticeMerger;
import io.droplet.store.node.StorageNode;
import io.droplet.store.node.StorageNodeContext;
import io.droplet.store.ring.HashRing;
import io.droplet.store.storage.LatticeStore;
import io.droplet.store.storage.StoreContext;
import io.droplet.store.storage.StoreCounters;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Starts the roles a {@link NodeContext} names in this process, wired to each other the one way both
 * {@link Droplet#local(LocalContext)} and {@code droplet node} use: the transport, then the storage node,
 * the schedulers (each keeping its registry in the KVS through a storage client of its own), the host
 * cache and its agent, the executors; then {@link #start()} maps their agents to threads by the context's
 * {@link ThreadingProfile} (see {@link RoleThreads}).
 * <p>
 * With {@link ThreadingProfile#DEDICATED} the transport runs dedicated too (the Aeron client's conductor,
 * and an embedded driver's agents, on threads of their own), since agents on several threads must not
 * drive an invoker-mode client and driver between them; otherwise the transport's conductors run in the
 * roles' duty cycle, first.
 * <p>
 * <b>Note:</b> not thread-safe; launch, start and close on one thread.
 */
public final class NodeLauncher implements AutoCloseable
{
    private final NodeContext context;
    private final Transport transport;
    private final List<Agent> agents = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<SchedulerAgent> schedulers = new ArrayList<>();
    private RoleThreads threads;

    private NodeLauncher(final NodeContext context)
    {
        this.context = context;
        // Before the transport: the first Chronicle Map of a JVM is slow to create, and nothing may keep an
        // invoker-profile Aeron client waiting that long.
        ChronicleWarmUp.run();
        final ThreadingProfile profile = context.threading() == ThreadingProfile.DEDICATED ?
            ThreadingProfile.DEDICATED : ThreadingProfile.INVOKER;
        this.transport = Transport.launch(context.transportContext()
            .threadingProfile(profile)
            .agentFailureListener(context.agentFailureListener()));
        if (transport.isInvoker())
        {
            agents.add(transport.conductorAgent());
        }
    }

    /**
     * Creates every role the context names; none runs until {@link #start()}.
     *
     * @param context of the process.
     * @return the launcher holding the roles.
     */
    public static NodeLauncher launch(final NodeContext context)
    {
        final NodeLauncher launcher = new NodeLauncher(context);
        try
        {
            launcher.wireStorage();
            launcher.wireSchedulers();
            launcher.wireCacheAndExecutors();
        }
        catch (final RuntimeException ex)
        {
            launcher.close();
            throw ex;
        }
        return launcher;
    }

    private void wireStorage()
    {
        final NodeContext.Role storage = context.storage();
        if (null == storage)
        {
            return;
        }
        final StoreCounters counters = own(new StoreCounters(transport.aeron()::addCounter, context.storageCountersName()));
        final StoreContext storeContext = new StoreContext()
            .dataDirectory(context.dataDirectory())
            .mergeFunctionSupplier(() -> new LatticeMerger()::merge)
            .counters(counters)
            .errorHandler(transport.errorHandler())
            // A damaged or unclean store is recovered in a process of its own (seconds): an invoker-profile
            // transport, driven by this thread once the roles start, must be kept alive meanwhile.
            .duringRecovery(transport::invoke);
        if (context.storageEntries() > 0)
        {
            storeContext.entries(context.storageEntries());
        }
        final LatticeStore store = own(LatticeStore.open(storeContext));
        final StorageNodeContext nodeContext = new StorageNodeContext()
            .channels(channels(storage)).store(store).counters(counters).replicationFactor(context.replicationFactor());
        context.storageNodes().forEach(nodeContext::peer);
        agents.add(new StorageNode(nodeContext));
    }

    private void wireSchedulers()
    {
        for (final NodeContext.Role scheduler : context.runSchedulers())
        {
            final SchedulerAgent agent = new SchedulerAgent(new SchedulerContext()
                .channels(channels(scheduler))
                .registryStorage(channels(NodeContext.registryClientOf(scheduler)), context.storageNodes(),
                    context.replicationFactor(), HashRing.DEFAULT_VIRTUAL_NODES));
            schedulers.add(agent);
            // Before the cache and executors in a shared duty cycle, so a call the scheduler places reaches its
            // executor in the same cycle. A stall of the shared thread is not taken for the executors' death: the
            // scheduler sees its own duty cycle stall and waits for their heartbeats (Membership).
            agents.add(agent);
        }
    }

    private void wireCacheAndExecutors()
    {
        final NodeContext.Role cacheRole = context.cache();
        HostCache cache = null;
        CacheAgent cacheAgent = null;
        NodeChannels cacheChannels = null;
        if (null != cacheRole)
        {
            // A cache starts empty: a file left by a previous run (perhaps killed mid-write) is replaced.
            IoUtil.deleteIfExists(context.cacheFile());
            cache = own(new HostCache(context.cacheFile(), NodeContext.CACHE_ENTRIES));
            resources.add(resources.size() - 1, () -> IoUtil.deleteIfExists(context.cacheFile()));
            cacheChannels = channels(cacheRole);
            cacheAgent = new CacheAgent(cacheChannels, channels(NodeContext.storageClientOf(cacheRole)),
                context.storageNodes(), context.replicationFactor(), HashRing.DEFAULT_VIRTUAL_NODES, cache);
            context.schedulers().forEach(cacheAgent::announceTo);
        }
        else if (null != context.cacheRead() && !context.runExecutors().isEmpty())
        {
            cache = own(new HostCache(context.cacheFile(), NodeContext.CACHE_ENTRIES));
        }
        for (final NodeContext.Role executor : context.runExecutors())
        {
            if (null != cacheChannels)
            {
                cacheChannels.peers().register(executor.id(), executor.endpoint());
            }
            final ExecutorContext executorContext = new ExecutorContext()
                .channels(channels(executor))
                .functions(context.functions());
            context.schedulers().forEach(executorContext::scheduler);
            if (null != cache)
            {
                executorContext.cache(cache, context.cacheRead().id(), context.cacheRead().endpoint());
            }
            agents.add(own(new ExecutorAgent(executorContext)));
        }
        if (null != cacheAgent)
        {
            agents.add(cacheAgent);
        }
    }

    /**
     * Opens the channels of one more node of this process (an in-process client's, say), closed with the roles.
     *
     * @param role the node's id, endpoint and name.
     * @return its channels.
     */
    public NodeChannels channels(final NodeContext.Role role)
    {
        return own(new NodeChannels(transport, role.id(), role.endpoint(), role.name()));
    }

    /**
     * Adds an agent to run with the roles (an in-process client's conductor, say), before {@link #start()}.
     *
     * @param agent to run, after the roles' in a shared duty cycle.
     * @return this launcher.
     */
    public NodeLauncher agent(final Agent agent)
    {
        if (null != threads)
        {
            throw new IllegalStateException("already started");
        }
        agents.add(agent);
        return this;
    }

    /**
     * Keeps a resource to close, after the threads stop and before the transport closes, last added first.
     *
     * @param resource to close with the roles.
     * @param <T>      its type.
     * @return the resource.
     */
    public <T extends AutoCloseable> T own(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    /**
     * Starts the agents on threads as the context's profile says (none for INVOKER: drive {@link #invoker()}).
     *
     * @return this launcher.
     */
    public NodeLauncher start()
    {
        if (null != threads)
        {
            throw new IllegalStateException("already started");
        }
        final InjectedFailure injected = InjectedFailure.fromSystemProperty();
        if (null != injected)
        {
            agents.add(injected);
        }
        threads = RoleThreads.start(context.threading(), agents, transport.errorHandler(), transport.failStop());
        return this;
    }

    /**
     * @return the invoker the caller drives the roles with (INVOKER profile), or null.
     */
    public AgentInvoker invoker()
    {
        return null == threads ? null : threads.invoker();
    }

    /**
     * @return the transport of the process.
     */
    public Transport transport()
    {
        return transport;
    }

    /**
     * @return the functions this process's executors load (an in-process client installs into them).
     */
    public LocalFunctions functions()
    {
        return context.functions();
    }

    /**
     * @return the schedulers this process runs, in the order the context named them.
     */
    public List<SchedulerAgent> schedulers()
    {
        return Collections.unmodifiableList(schedulers);
    }

    /**
     * @return true while the roles run: no thread has stopped and the transport's client is open (it closes
     * itself when its media driver is lost).
     */
    public boolean isRunning()
    {
        return null != threads && threads.isRunning() && !transport.aeron().isClosed();
    }

    /**
     * Stops the threads, closes the roles' resources, last opened first, then the transport.
     */
    public void close()
    {
        CloseHelper.quietClose(threads);
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
        CloseHelper.quietClose(transport);
    }
}
