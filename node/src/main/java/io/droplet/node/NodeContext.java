package io.droplet.node;

import io.droplet.executors.LocalFunctions;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.TransportContext;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Which roles one process runs, with their node ids, endpoints and names, for {@link NodeLauncher}: the
 * settings {@link Droplet#local(LocalContext)} and {@code droplet node} both fill in. Every id the
 * launcher derives (a scheduler's registry client, a cache's storage client) and every default id is
 * derived here, once:
 * <pre>
 *   role                    node id                 stream
 *   scheduler               1 (+ index)             5001 (+ index)
 *   executor                10 (+ index)            5010 (+ index)
 *   storage node            20                      5020
 *   cache agent             30                      5030
 *   cache's storage client  cache id + 1            cache stream + 1
 *   registry client         scheduler id + 1000     scheduler stream + 1000
 *   local client            1000                    5100
 * </pre>
 * <b>Note:</b> not thread-safe; fill in on one thread, then hand to {@link NodeLauncher#launch}.
 */
public final class NodeContext
{
    /** Node id of the first scheduler. */
    public static final long FIRST_SCHEDULER = 1;
    /** Where the first scheduler of one host receives. */
    public static final Endpoint FIRST_SCHEDULER_ENDPOINT = new Endpoint("127.0.0.1", 0, 5001);
    /** Node id of the first executor. */
    public static final long FIRST_EXECUTOR = 10;
    /** Where the first executor of one host receives. */
    public static final Endpoint FIRST_EXECUTOR_ENDPOINT = new Endpoint("127.0.0.1", 0, 5010);
    /** Node id of the storage node. */
    public static final long STORAGE = 20;
    /** Where the storage node of one host receives. */
    public static final Endpoint STORAGE_ENDPOINT = new Endpoint("127.0.0.1", 0, 5020);
    /** Node id of the host's cache agent. */
    public static final long CACHE = 30;
    /** Where the host's cache agent receives. */
    public static final Endpoint CACHE_ENDPOINT = new Endpoint("127.0.0.1", 0, 5030);
    /** Node id of an in-process node's client. */
    public static final long LOCAL_CLIENT = 1000;
    /** Where an in-process node's client receives. */
    public static final Endpoint LOCAL_CLIENT_ENDPOINT = new Endpoint("127.0.0.1", 0, 5100);
    /** Entries of a host cache. */
    public static final int CACHE_ENTRIES = 100_000;

    private static final long REGISTRY_CLIENT_OFFSET = 1000;
    private static final long CACHE_STORAGE_CLIENT_OFFSET = 1;

    /**
     * A role this process runs: its node id, where it receives, and its name in counter labels.
     * <p>
     * <b>Note:</b> immutable, thread-safe.
     *
     * @param id       node id.
     * @param endpoint where it receives.
     * @param name     in counter labels.
     */
    public record Role(long id, Endpoint endpoint, String name)
    {
    }

    private TransportContext transportContext = new TransportContext();
    private ThreadingProfile threading = ThreadingProfile.SHARED;
    private io.droplet.transport.AgentFailureListener agentFailureListener;
    private LocalFunctions functions = new LocalFunctions();
    private final Long2ObjectHashMap<Endpoint> schedulers = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Endpoint> storageNodes = new Long2ObjectHashMap<>();
    private final List<Role> runSchedulers = new ArrayList<>();
    private final List<Role> runExecutors = new ArrayList<>();
    private Role storage;
    private String storageCountersName;
    private File dataDirectory;
    private int storageEntries;
    private int replicationFactor = 1;
    private Role cache;
    private Role readCache;
    private File cacheFile;

    /**
     * @param index of a scheduler of one host, from 0.
     * @return its node id.
     */
    public static long schedulerId(final int index)
    {
        return FIRST_SCHEDULER + index;
    }

    /**
     * @param index of a scheduler of one host, from 0.
     * @return where it receives.
     */
    public static Endpoint schedulerEndpoint(final int index)
    {
        return shifted(FIRST_SCHEDULER_ENDPOINT, index);
    }

    /**
     * @param index of an executor of one host, from 0.
     * @return its node id.
     */
    public static long executorId(final int index)
    {
        return FIRST_EXECUTOR + index;
    }

    /**
     * @param index of an executor of one host, from 0.
     * @return where it receives.
     */
    public static Endpoint executorEndpoint(final int index)
    {
        return shifted(FIRST_EXECUTOR_ENDPOINT, index);
    }

    /**
     * @param scheduler a scheduler this process runs.
     * @return the storage client it keeps its registry through: id + 1000, stream + 1000, named after it
     * ({@code scheduler-0}'s is {@code registry-client-0}).
     */
    static Role registryClientOf(final Role scheduler)
    {
        final String suffix = scheduler.name().startsWith("scheduler") ? scheduler.name().substring("scheduler".length()) : "";
        return new Role(scheduler.id() + REGISTRY_CLIENT_OFFSET, shifted(scheduler.endpoint(), (int)REGISTRY_CLIENT_OFFSET),
            "registry-client" + suffix);
    }

    /**
     * @param cache the cache agent this process runs.
     * @return the storage client it reads and subscribes through: id + 1, stream + 1.
     */
    static Role storageClientOf(final Role cache)
    {
        return new Role(cache.id() + CACHE_STORAGE_CLIENT_OFFSET,
            shifted(cache.endpoint(), (int)CACHE_STORAGE_CLIENT_OFFSET), "cache-storage-client");
    }

    private static Endpoint shifted(final Endpoint endpoint, final int streams)
    {
        return new Endpoint(endpoint.host(), endpoint.port(), endpoint.streamId() + streams);
    }

    /**
     * @param transportContext of the process's transport; the launcher sets its threading profile.
     * @return this context.
     */
    public NodeContext transportContext(final TransportContext transportContext)
    {
        this.transportContext = transportContext;
        return this;
    }

    /**
     * @return the process's transport settings.
     */
    public TransportContext transportContext()
    {
        return transportContext;
    }

    /**
     * @param threading how the roles' agents map to threads (see {@link ThreadingProfile}).
     * @return this context.
     */
    public NodeContext threading(final ThreadingProfile threading)
    {
        this.threading = threading;
        return this;
    }

    /**
     * @param agentFailureListener told of the first {@code Error} or exception escaping a duty cycle of this
     *                             process (the roles', the transport's, an embedded driver's); that runner stops.
     *                             Null (the default) logs it and keeps Agrona's behaviour.
     * @return this context.
     */
    public NodeContext agentFailureListener(final io.droplet.transport.AgentFailureListener agentFailureListener)
    {
        this.agentFailureListener = agentFailureListener;
        return this;
    }

    /**
     * @return told when a duty cycle of this process fails, or null.
     */
    public io.droplet.transport.AgentFailureListener agentFailureListener()
    {
        return agentFailureListener;
    }

    /**
     * @return how the roles' agents map to threads.
     */
    public ThreadingProfile threading()
    {
        return threading;
    }

    /**
     * @param functions the executors of this process load functions from (shared with an in-process client).
     * @return this context.
     */
    public NodeContext functions(final LocalFunctions functions)
    {
        this.functions = functions;
        return this;
    }

    /**
     * @return the executors' functions.
     */
    public LocalFunctions functions()
    {
        return functions;
    }

    /**
     * Names a scheduler of the deployment: executors and caches heartbeat to every one named.
     *
     * @param id       of the scheduler.
     * @param endpoint where it receives.
     * @return this context.
     */
    public NodeContext scheduler(final long id, final Endpoint endpoint)
    {
        schedulers.put(id, endpoint);
        return this;
    }

    /**
     * Runs a scheduler in this process (and names it as one of the deployment's).
     *
     * @param id       of the scheduler.
     * @param endpoint where it receives.
     * @param name     in counter labels.
     * @return this context.
     */
    public NodeContext runScheduler(final long id, final Endpoint endpoint, final String name)
    {
        runSchedulers.add(new Role(id, endpoint, name));
        return scheduler(id, endpoint);
    }

    /**
     * Names a storage node of the ring.
     *
     * @param id       of the storage node.
     * @param endpoint where it receives.
     * @return this context.
     */
    public NodeContext storageNode(final long id, final Endpoint endpoint)
    {
        storageNodes.put(id, endpoint);
        return this;
    }

    /**
     * Runs the storage node of the ring that has this id in this process.
     *
     * @param id            of a storage node named by {@link #storageNode}.
     * @param countersName  in its store counters' labels.
     * @param dataDirectory of its files.
     * @param entries       most entries of its store, or 0 for the store's default.
     * @return this context.
     */
    public NodeContext runStorage(final long id, final String countersName, final File dataDirectory, final int entries)
    {
        final Endpoint self = storageNodes.get(id);
        if (null == self)
        {
            throw new IllegalArgumentException("storage node " + id + " is not one of the ring's storage nodes");
        }
        this.storage = new Role(id, self, "storage");
        this.storageCountersName = countersName;
        this.dataDirectory = dataDirectory;
        this.storageEntries = entries;
        return this;
    }

    /**
     * @param replicationFactor of the storage ring.
     * @return this context.
     */
    public NodeContext replicationFactor(final int replicationFactor)
    {
        this.replicationFactor = replicationFactor;
        return this;
    }

    /**
     * Runs the host's cache agent in this process, over a mapped file executors of the host read.
     *
     * @param id        of the cache agent.
     * @param endpoint  where it receives.
     * @param cacheFile the host cache's mapped file (replaced if it exists: a cache starts empty).
     * @return this context.
     */
    public NodeContext runCache(final long id, final Endpoint endpoint, final File cacheFile)
    {
        this.cache = new Role(id, endpoint, "cache");
        this.cacheFile = cacheFile;
        return this;
    }

    /**
     * Lets this process's executors read a host cache another process of the host writes.
     *
     * @param id        of that host's cache agent.
     * @param endpoint  where it receives.
     * @param cacheFile its mapped file.
     * @return this context.
     */
    public NodeContext readCache(final long id, final Endpoint endpoint, final File cacheFile)
    {
        this.cache = null;
        this.cacheFile = cacheFile;
        this.readCache = new Role(id, endpoint, "cache");
        return this;
    }

    /**
     * Runs an executor in this process.
     *
     * @param id       of the executor.
     * @param endpoint where it receives.
     * @param name     in counter labels.
     * @return this context.
     */
    public NodeContext runExecutor(final long id, final Endpoint endpoint, final String name)
    {
        runExecutors.add(new Role(id, endpoint, name));
        return this;
    }

    Long2ObjectHashMap<Endpoint> schedulers()
    {
        return schedulers;
    }

    Long2ObjectHashMap<Endpoint> storageNodes()
    {
        return storageNodes;
    }

    List<Role> runSchedulers()
    {
        return runSchedulers;
    }

    List<Role> runExecutors()
    {
        return runExecutors;
    }

    Role storage()
    {
        return storage;
    }

    String storageCountersName()
    {
        return storageCountersName;
    }

    File dataDirectory()
    {
        return dataDirectory;
    }

    int storageEntries()
    {
        return storageEntries;
    }

    int replicationFactor()
    {
        return replicationFactor;
    }

    /**
     * @return the cache agent this process runs, or null.
     */
    Role cache()
    {
        return cache;
    }

    /**
     * @return the cache agent whose file this process's executors read: its own, another process's, or null.
     */
    Role cacheRead()
    {
        return null != cache ? cache : readCache;
    }

    File cacheFile()
    {
        return cacheFile;
    }
}
