package io.droplet.client;

import io.droplet.codecs.function.DropletFunction;
import io.droplet.codecs.function.StatefulFunction;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.CancelEncoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.DeleteDagEncoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.ListFunctionsEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.JsonValues;
import io.droplet.codecs.value.Values;
import io.droplet.store.lattice.Lattice;
import io.droplet.store.lattice.LatticeCodec;
import io.droplet.store.lattice.LwwLattice;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Droplet's client API: register functions and DAGs, call them, in the call modes FG (block until the
 * result or the deadline), BG (a {@link CompletableFuture}) and NO_RETURN (fire and forget).
 * Arguments and results are plain Java values: null, Boolean, Long/Integer, Double, String, byte[],
 * {@link io.droplet.codecs.value.Reference}, List, Map, or a type with a registered codec.
 * <pre>
 *   try (DropletClient droplet = Droplet.local()) {
 *       droplet.registerFunction("increment", inv -> inv.result().writeLong(inv.args().readLong() + 1));
 *       droplet.registerFunction("square", inv -> { long x = inv.args().readLong(); inv.result().writeLong(x * x); });
 *       droplet.registerDag("pipeline", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
 *       long result = (Long)droplet.callDag("pipeline", 3L); // 16
 *   }
 * </pre>
 * <b>Note:</b> thread-safe: any number of threads may call concurrently.
 */
public final class DropletClient implements AutoCloseable
{
    /** Waits for a future: by spinning then parking, or by driving an in-process node's duty cycle. */
    @FunctionalInterface
    public interface Waiter
    {
        /**
         * Returns when the future is done or the deadline passed.
         *
         * @param future     to wait for.
         * @param deadlineNs on {@link System#nanoTime()}.
         */
        void await(CompletableFuture<?> future, long deadlineNs);
    }

    private static final int ALL_SOURCES = 65534;
    private static final long DEADLINE_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final long[] NO_TIMES = new long[0];
    private static final int MAX_TIMES = 1024;
    private volatile ClientConductor conductor;
    private volatile boolean linked = true;
    private final long clientNode;
    private final long defaultTimeoutNs;
    private final FunctionInstaller installer;
    private final Waiter waiter;
    private final Runnable onClose;
    private final CodecRegistry codecs;
    private final AtomicLong correlationIds = new AtomicLong();
    private final Map<String, List<String>> dagFunctions = new HashMap<>();
    private final ThreadLocal<Encoders> encoders = ThreadLocal.withInitial(Encoders::new);
    private volatile HashRing ring;
    private volatile ReplicaFailover failover;

    /** Per-thread flyweights: user threads encode their own requests. */
    private static final class Encoders
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final ConnectEncoder connect = new ConnectEncoder();
        final RegisterFunctionEncoder registerFunction = new RegisterFunctionEncoder();
        final DeleteFunctionEncoder deleteFunction = new DeleteFunctionEncoder();
        final ListFunctionsEncoder listFunctions = new ListFunctionsEncoder();
        final RegisterDagEncoder registerDag = new RegisterDagEncoder();
        final DeleteDagEncoder deleteDag = new DeleteDagEncoder();
        final CallDagEncoder callDag = new CallDagEncoder();
        final CallFunctionEncoder callFunction = new CallFunctionEncoder();
        final KvsPutEncoder put = new KvsPutEncoder();
        final KvsGetEncoder get = new KvsGetEncoder();
        final CancelEncoder cancel = new CancelEncoder();
    }

    /**
     * Made by {@code Droplet.local()}; call {@link #connect()} before use.
     *
     * @param conductor        the client's agent.
     * @param defaultTimeoutNs deadline of calls that give none.
     * @param installer        for in-process functions, or null.
     * @param waiter           how blocking calls wait.
     * @param onClose          stops what the client runs on.
     * @param codecs           for extension value types.
     */
    public DropletClient(
        final ClientConductor conductor,
        final long defaultTimeoutNs,
        final FunctionInstaller installer,
        final Waiter waiter,
        final Runnable onClose,
        final CodecRegistry codecs)
    {
        this.conductor = conductor;
        this.clientNode = conductor.channels().nodeId();
        this.defaultTimeoutNs = defaultTimeoutNs;
        this.installer = installer;
        this.waiter = waiter;
        this.onClose = onClose;
        this.codecs = codecs;
    }

    /**
     * Joins a running deployment through the host's media driver: the client's agent runs on a thread
     * of its own (back-off idling).
     *
     * @param context where the driver and the scheduler are.
     * @return a connected client; closing it stops its thread and transport.
     */
    public static DropletClient connect(final RemoteContext context)
    {
        return RemoteConnection.open(context);
    }

    /**
     * The link under a remote client was lost (its media driver stopped): new requests fail at once with
     * NOT_CONNECTED until {@link #relink} gives it a new one.
     */
    void unlink()
    {
        linked = false;
    }

    /**
     * Gives a remote client the conductor of a new link (after its media driver came back) and introduces
     * it again to the scheduler and storage nodes, without waiting for their answers.
     *
     * @param next conductor on the new transport, already running.
     */
    void relink(final ClientConductor next)
    {
        next.failover(failover);
        conductor = next;
        linked = true;
        final HashRing storage = ring;
        for (final long node : null == storage ? new long[0] : storage.nodes())
        {
            enqueue(introduction(node, false));
        }
        enqueue(introduction(0, false));
    }

    /**
     * @param node a storage node.
     * @return true while this client passes it over (it left a request unanswered within a request timeout).
     */
    public boolean isSuspected(final long node)
    {
        final ReplicaFailover current = failover;
        return null != current && current.isSuspected(node);
    }

    /**
     * @return false while a remote client's media driver is lost (calls fail with NOT_CONNECTED).
     */
    public boolean isLinked()
    {
        return linked;
    }

    /**
     * @return {@code namespace/} of a client with credentials, or "" on an open deployment.
     */
    private String namespacePrefix()
    {
        final io.droplet.transport.security.Credentials credentials = conductor.credentials();
        return null == credentials ? "" : credentials.namespace() + io.droplet.transport.security.Namespaces.SEPARATOR;
    }

    /**
     * Names are the user's own within the client's namespace: on the wire they carry it as a prefix, which
     * the nodes check (a client can reach nothing of another namespace, whatever it sends).
     *
     * @param name of a function, DAG or key, as the user gave it.
     * @return the name on the wire.
     */
    private String qualify(final String name)
    {
        final io.droplet.transport.security.Credentials credentials = conductor.credentials();
        return null == credentials ? name : credentials.namespace() + io.droplet.transport.security.Namespaces.SEPARATOR + name;
    }

    /**
     * References in arguments name keys as the user knows them: on the wire they are in the client's namespace,
     * as every key it names (the executor resolves only those). Lists and maps are walked; other values kept.
     *
     * @param value an argument.
     * @return the argument with every reference qualified (the same object on an open deployment).
     */
    private Object qualifyReferences(final Object value)
    {
        if (null == conductor.credentials())
        {
            return value;
        }
        if (value instanceof io.droplet.codecs.value.Reference reference)
        {
            return io.droplet.codecs.value.Reference.of(qualify(reference.key()));
        }
        if (value instanceof List<?> list)
        {
            final List<Object> qualified = new ArrayList<>(list.size());
            for (final Object element : list)
            {
                qualified.add(qualifyReferences(element));
            }
            return qualified;
        }
        if (value instanceof Map<?, ?> map)
        {
            final Map<Object, Object> qualified = new java.util.LinkedHashMap<>();
            map.forEach((key, element) -> qualified.put(qualifyReferences(key), qualifyReferences(element)));
            return qualified;
        }
        return value;
    }

    /**
     * Introduces this client to the scheduler (its endpoint, so answers can reach it).
     */
    public void connect()
    {
        introduceTo(0);
    }

    /**
     * Sends a Connect (this client's node id and endpoint) to a node and waits for its answer.
     *
     * @param node to introduce this client to; 0 for the scheduler.
     */
    private void introduceTo(final long node)
    {
        join(enqueue(introduction(node, true)));
    }

    /**
     * @param node          to introduce this client to; 0 for the scheduler.
     * @param expectsAnswer true to track the answer (and wait for it).
     * @return a Connect naming this client's node id and current endpoint, kept by the conductor so it is
     * sent again when the peer may have restarted.
     */
    private ClientConductor.Request introduction(final long node, final boolean expectsAnswer)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.connect.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .clientNode(clientNode)
            .timestamp(epochNanos())
            .namespaceName(null == conductor.credentials() ? "" : conductor.credentials().namespace())
            .identity(null == conductor.credentials() ? "" : conductor.credentials().identity())
            .replyEndpoint(conductor.channels().self().toString());
        final ClientConductor.Request request = newRequest(node, id, e, e.connect.encodedLength(), defaultTimeoutNs, expectsAnswer);
        request.introduction = true;
        return request;
    }

    /**
     * Registers a function that runs in this process's executors (local mode).
     *
     * @param name     of the function.
     * @param function to run.
     * @throws UnsupportedOperationException on a client of a remote deployment (shipping code comes later).
     */
    public void registerFunction(final String name, final DropletFunction function)
    {
        if (null == installer)
        {
            throw new UnsupportedOperationException("this client cannot install in-process functions; shipping code " +
                "to a deployment is not implemented yet");
        }
        installer.install(name, function);
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.registerFunction.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .sessionId(clientNode)
            .version(0)
            .kind(FunctionKind.LOCAL)
            .name(qualify(name))
            .entryPoint("")
            .putCode(new byte[0], 0, 0);
        join(submit(id, e, e.registerFunction.encodedLength(), defaultTimeoutNs, true));
    }

    /**
     * Registers a function by its class, which executors load from their own class path and create with
     * its public no-argument constructor. Works against a deployment and locally.
     *
     * @param name of the function.
     * @param type implementing {@link DropletFunction}.
     */
    public void registerFunction(final String name, final Class<? extends DropletFunction> type)
    {
        registerShipped(name, type.getName(), new byte[0], 0);
    }

    /**
     * Registers a function whose code is shipped with the registration: a jar's bytes, loaded by every
     * executor in a class loader of its own for this name and version, so versions never clash.
     *
     * @param name      of the function.
     * @param className implementing {@link DropletFunction}, inside the jar.
     * @param jar       the jar's bytes.
     * @param version   of the code; registering a new version replaces the old.
     */
    public void registerFunction(final String name, final String className, final byte[] jar, final long version)
    {
        registerShipped(name, className, jar, version);
    }

    /**
     * Registers a function whose code is a class directory (as a build writes it): the client packs the
     * directory into a jar in memory and ships it, as {@link #registerFunction(String, String, byte[], long)}.
     *
     * @param name           of the function.
     * @param className      implementing {@link DropletFunction}, inside the directory.
     * @param classDirectory root of the compiled classes (package directories below it).
     * @param version        of the code; registering a new version replaces the old.
     * @throws java.io.UncheckedIOException if the directory cannot be read.
     */
    public void registerFunction(final String name, final String className, final java.nio.file.Path classDirectory, final long version)
    {
        registerShipped(name, className, FunctionJars.pack(classDirectory), version);
    }

    /**
     * Registers a stateful function (Cloudburst's class registration): one instance, created and
     * {@code init()}-ed on the executor the scheduler pins it to, serves every call, keeping its state
     * between calls. Loaded from the executors' class path.
     *
     * @param name of the function.
     * @param type implementing {@link StatefulFunction}.
     */
    public void registerStatefulFunction(final String name, final Class<? extends StatefulFunction> type)
    {
        register(name, type.getName(), new byte[0], 0, FunctionKind.STATEFUL_CLASS);
    }

    /**
     * Registers a process function: an executable (any language) that reads one JSON request per line on
     * its standard input, {@code {"args": [...], "invocation": id}}, and writes one JSON reply per line,
     * {@code {"result": value}} or {@code {"error": "text"}}. Every executor starts it on first call.
     *
     * @param name    of the function.
     * @param command the program and its arguments, as found on the executors' hosts.
     */
    public void registerProcessFunction(final String name, final List<String> command)
    {
        register(name, JsonValues.toJson(command), new byte[0], 0, FunctionKind.PROCESS);
    }

    private void registerShipped(final String name, final String className, final byte[] code, final long version)
    {
        register(name, className, code, version, FunctionKind.JAVA);
    }

    private void register(final String name, final String className, final byte[] code, final long version, final FunctionKind kind)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.registerFunction.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .sessionId(clientNode)
            .version(version)
            .kind(kind)
            .name(qualify(name))
            .entryPoint(className)
            .putCode(code, 0, code.length);
        join(submit(id, e, e.registerFunction.encodedLength(), defaultTimeoutNs, true));
    }

    /**
     * @param name of a registered function.
     * @throws DropletException FUNCTION_NOT_FOUND if there is none.
     */
    public void deleteFunction(final String name)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.deleteFunction.wrapAndApplyHeader(e.buffer, 0, e.header).correlationId(id).sessionId(clientNode).name(qualify(name));
        join(submit(id, e, e.deleteFunction.encodedLength(), defaultTimeoutNs, true));
    }

    /**
     * @return the names of the registered functions.
     */
    @SuppressWarnings("unchecked")
    public List<String> listFunctions()
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.listFunctions.wrapAndApplyHeader(e.buffer, 0, e.header).correlationId(id).sessionId(clientNode);
        final List<String> names = (List<String>)join(submit(id, e, e.listFunctions.encodedLength(), defaultTimeoutNs, true));
        final String prefix = namespacePrefix();
        if (prefix.isEmpty())
        {
            return names;
        }
        // The node lists only this namespace's functions; users see them by the names they registered.
        final List<String> local = new ArrayList<>(names.size());
        for (final String name : names)
        {
            local.add(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
        }
        return local;
    }

    /**
     * Registers a DAG: its functions (each a stage) and the connections between them. It must be
     * acyclic with exactly one sink; a function may appear in several DAGs.
     *
     * @param name        of the DAG.
     * @param functions   its stages, by function name.
     * @param connections its edges.
     * @throws DropletException DAG_ALREADY_EXISTS, FUNCTION_NOT_FOUND or INVALID_ARGUMENT.
     */
    public void registerDag(final String name, final List<String> functions, final List<Connection> connections)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.registerDag.wrapAndApplyHeader(e.buffer, 0, e.header).correlationId(id).sessionId(clientNode);
        final RegisterDagEncoder.FunctionsEncoder stages = e.registerDag.functionsCount(functions.size());
        for (final String function : functions)
        {
            stages.next().function(qualify(function));
        }
        final RegisterDagEncoder.ConnectionsEncoder edges = e.registerDag.connectionsCount(connections.size());
        for (final Connection connection : connections)
        {
            final int from = functions.indexOf(connection.from());
            final int to = functions.indexOf(connection.to());
            if (from < 0 || to < 0)
            {
                throw new DropletException(ErrorCode.INVALID_ARGUMENT,
                    "connection " + connection.from() + " -> " + connection.to() + " names a function not in the DAG");
            }
            edges.next().fromStage(from).toStage(to);
        }
        e.registerDag.name(qualify(name));
        join(submit(id, e, e.registerDag.encodedLength(), defaultTimeoutNs, true));
        synchronized (dagFunctions)
        {
            dagFunctions.put(name, List.copyOf(functions));
        }
    }

    /**
     * @param name of a registered DAG.
     * @throws DropletException NO_SUCH_DAG if there is none.
     */
    public void deleteDag(final String name)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.deleteDag.wrapAndApplyHeader(e.buffer, 0, e.header).correlationId(id).sessionId(clientNode).name(qualify(name));
        join(submit(id, e, e.deleteDag.encodedLength(), defaultTimeoutNs, true));
        synchronized (dagFunctions)
        {
            dagFunctions.remove(name);
        }
    }

    /**
     * Calls a function and waits for its result (FG).
     *
     * @param function to call.
     * @param args     its arguments.
     * @return its result.
     * @throws DropletException with the typed reason if it failed or the deadline passed.
     */
    public Object call(final String function, final Object... args)
    {
        return join(callAsync(function, args));
    }

    /**
     * Calls a function (BG).
     *
     * @param function to call.
     * @param args     its arguments.
     * @return the result's future; it fails with a {@link DropletException}.
     */
    public CompletableFuture<Object> callAsync(final String function, final Object... args)
    {
        return callFunction(function, args, CallMode.BG, defaultTimeoutNs);
    }

    /**
     * Calls a function without waiting for or receiving its result (NO_RETURN).
     *
     * @param function to call.
     * @param args     its arguments.
     */
    public void callNoReturn(final String function, final Object... args)
    {
        callFunction(function, args, CallMode.NO_RETURN, defaultTimeoutNs);
    }

    /**
     * Calls a DAG and waits for its sink's result (FG); every source stage gets {@code args}.
     *
     * @param dag  to call.
     * @param args given to every source stage.
     * @return the sink's result.
     * @throws DropletException with the typed reason if it failed or the deadline passed.
     */
    public Object callDag(final String dag, final Object... args)
    {
        return join(callDagAsync(dag, args));
    }

    /**
     * Calls a DAG and waits, with a deadline of its own.
     *
     * @param dag     to call.
     * @param timeout relative deadline.
     * @param args    given to every source stage.
     * @return the sink's result.
     */
    public Object callDagWithin(final String dag, final Duration timeout, final Object... args)
    {
        return join(callDag(dag, null, Arrays.asList(args), CallMode.FG, timeout.toNanos()), timeout.toNanos());
    }

    /**
     * Calls a DAG (BG); every source stage gets {@code args}.
     *
     * @param dag  to call.
     * @param args given to every source stage.
     * @return the sink's result's future.
     */
    public CompletableFuture<Object> callDagAsync(final String dag, final Object... args)
    {
        return callDag(dag, null, Arrays.asList(args), CallMode.BG, defaultTimeoutNs);
    }

    /**
     * Calls a DAG with arguments per source function (BG). The DAG must have been registered by this client.
     *
     * @param dag          to call.
     * @param argsBySource arguments by source function name.
     * @return the sink's result's future.
     */
    public CompletableFuture<Object> callDagAsync(final String dag, final Map<String, List<Object>> argsBySource)
    {
        return callDag(dag, argsBySource, null, CallMode.BG, defaultTimeoutNs);
    }

    /**
     * Calls a DAG without waiting for or receiving its result (NO_RETURN).
     *
     * @param dag  to call.
     * @param args given to every source stage.
     */
    public void callDagNoReturn(final String dag, final Object... args)
    {
        callDag(dag, null, Arrays.asList(args), CallMode.NO_RETURN, defaultTimeoutNs);
    }

    /**
     * Makes the lattice KVS's storage nodes known to this client and introduces it to each (control path).
     *
     * @param nodes             storage nodes by id, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring, as the storage nodes use.
     */
    public void useStorage(final Map<Long, Endpoint> nodes, final int replicationFactor, final int virtualNodes)
    {
        final HashRing next = new HashRing(virtualNodes);
        for (final Map.Entry<Long, Endpoint> node : nodes.entrySet())
        {
            next.add(node.getKey());
            conductor.register(node.getKey(), node.getValue());
        }
        for (final long node : next.nodes())
        {
            introduceTo(node);
        }
        // A node that left a request unanswered is passed over for as long as a request waits for an answer.
        final ReplicaFailover chooser = new ReplicaFailover(next, replicationFactor,
            Math.max(ReplicaFailover.DEFAULT_SUSPECT_NS, defaultTimeoutNs), org.agrona.concurrent.SystemNanoClock.INSTANCE);
        conductor.failover(chooser);
        failover = chooser;
        ring = next;
    }

    /**
     * Puts a lattice value: merged into what the key holds, acknowledged by its primary replica (ONE).
     *
     * @param key   of the value.
     * @param value to merge in.
     */
    public void put(final String key, final Lattice value)
    {
        join(putAsync(key, value, AckLevel.ONE));
    }

    /**
     * Puts a lattice value with a chosen acknowledgement level.
     *
     * @param key   of the value.
     * @param value to merge in.
     * @param ack   ONE (the first replica merged) or ALL (every replica merged).
     * @return completes when acknowledged; fails with a {@link DropletException}.
     */
    public CompletableFuture<Object> putAsync(final String key, final Lattice value, final AckLevel ack)
    {
        final byte[] keyBytes = qualify(key).getBytes(StandardCharsets.UTF_8);
        final byte[] valueBytes = LatticeCodec.toBytes(value);
        final long node = primaryOf(keyBytes);
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.put.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .replyTo(clientNode)
            .ack(ack)
            .putKey(keyBytes, 0, keyBytes.length)
            .putValue(valueBytes, 0, valueBytes.length);
        return submit(node, id, e, e.put.encodedLength(), defaultTimeoutNs, true);
    }

    /**
     * Puts a plain value under a key as a last-writer-wins lattice (timestamped now, by this client):
     * a function given {@code Reference.of(key)} receives the value itself.
     *
     * @param key   of the value.
     * @param value any value the value encoding carries.
     */
    public void putValue(final String key, final Object value)
    {
        put(key, new LwwLattice(epochNanos(), clientNode, Values.toBytes(value, codecs)));
    }

    /**
     * @param key of a value.
     * @return its lattice value, or null if the key has none.
     */
    public Lattice get(final String key)
    {
        return (Lattice)join(getAsync(key));
    }

    /**
     * @param key of a value.
     * @return its lattice value's future (null if none).
     */
    public CompletableFuture<Object> getAsync(final String key)
    {
        final byte[] keyBytes = qualify(key).getBytes(StandardCharsets.UTF_8);
        final long node = primaryOf(keyBytes);
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.get.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .replyTo(clientNode)
            .putKey(keyBytes, 0, keyBytes.length);
        return submit(node, id, e, e.get.encodedLength(), defaultTimeoutNs, true);
    }

    private long primaryOf(final byte[] key)
    {
        final HashRing current = ring;
        if (null == current || current.size() == 0)
        {
            throw new DropletException(ErrorCode.NO_RESOURCES, "this client knows no storage nodes");
        }
        // The primary, or the next replica while the primary is suspected down (a request to it went unanswered).
        return failover.choose(new UnsafeBuffer(key), 0, key.length);
    }

    /**
     * Calls a function on every executor that has it (BROADCAST) and waits for all their answers.
     *
     * @param function to call.
     * @param args     its arguments.
     * @return each executor's result by node id, and the typed errors of those that failed.
     */
    public BroadcastResult broadcast(final String function, final Object... args)
    {
        return (BroadcastResult)join(broadcastAsync(function, args));
    }

    /**
     * BROADCAST in the background.
     *
     * @param function to call.
     * @param args     its arguments.
     * @return completes with a {@link BroadcastResult} when every executor answered.
     */
    public CompletableFuture<Object> broadcastAsync(final String function, final Object... args)
    {
        return callFunction(function, args, CallMode.BROADCAST, defaultTimeoutNs);
    }

    /**
     * Calls a function every {@code period} until cancelled (PERIOD). Each run's result, or its typed
     * error as a {@link DropletException}, reaches {@code onOutcome} on the client's agent thread: keep it short.
     * Each run must finish within one period.
     *
     * @param function  to call.
     * @param period    between runs.
     * @param onOutcome of each run.
     * @param args      its arguments, the same for every run.
     * @return the handle that cancels it.
     */
    public PeriodicCall callPeriodic(
        final String function, final Duration period, final java.util.function.Consumer<Object> onOutcome, final Object... args)
    {
        final Encoders e = encoders.get();
        final long id = encodeCallFunction(e, function, args, CallMode.PERIOD, 0, period.toNanos());
        return startPeriodic(e, id, onOutcome, 0);
    }

    /**
     * Sends an encoded PERIOD call and hands back the handle that cancels it.
     *
     * @param runs for a call at given times, how many; 0 for a call every period.
     */
    private PeriodicCall startPeriodic(
        final Encoders e, final long id, final java.util.function.Consumer<Object> onOutcome, final int runs)
    {
        final ClientConductor.Request request = newRequest(0, id, e, e.callFunction.encodedLength(), defaultTimeoutNs, false);
        request.periodicConsumer = onOutcome;
        request.remainingRuns = runs;
        enqueue(request);
        return () ->
        {
            request.cancelled = true;
            final Encoders c = encoders.get();
            c.cancel.wrapAndApplyHeader(c.buffer, 0, c.header).correlationId(id).sessionId(clientNode);
            // The Cancel carries the periodic call's own correlation id; its Ack completes this request.
            final ClientConductor.Request cancel = newRequest(0, id, c, c.cancel.encodedLength(), defaultTimeoutNs, false);
            enqueue(cancel);
            join(cancel.future);
        };
    }

    /**
     * PERIOD at given times: the function runs once at each instant (in order; an instant already past
     * runs at once) and each outcome reaches the consumer, until the last run or {@link PeriodicCall#cancel()}.
     * Each run's deadline is the next instant (the default timeout after the last). Cancelling after the
     * last run does nothing.
     *
     * @param function  to run.
     * @param times     when to run it: 1 to 1,024 instants.
     * @param onOutcome told each run's result, or its {@link DropletException}, on the client's thread.
     * @param args      of every run.
     * @return the call, to cancel.
     * @throws IllegalArgumentException if there are no times or more than 1,024.
     */
    public PeriodicCall callAt(
        final String function, final List<java.time.Instant> times, final java.util.function.Consumer<Object> onOutcome,
        final Object... args)
    {
        if (times.isEmpty() || times.size() > MAX_TIMES)
        {
            throw new IllegalArgumentException("1 to " + MAX_TIMES + " times, not " + times.size());
        }
        final long[] at = new long[times.size()];
        for (int i = 0; i < at.length; i++)
        {
            at[i] = times.get(i).getEpochSecond() * 1_000_000_000L + times.get(i).getNano();
        }
        Arrays.sort(at);
        final Encoders e = encoders.get();
        final long id = encodeCallFunction(e, function, args, CallMode.PERIOD, 0, 0, at);
        return startPeriodic(e, id, onOutcome, at.length);
    }

    private CompletableFuture<Object> callFunction(final String function, final Object[] args, final CallMode mode, final long timeoutNs)
    {
        final Encoders e = encoders.get();
        final long id = encodeCallFunction(e, function, args, mode, epochNanos() + timeoutNs, 0);
        if (mode == CallMode.BROADCAST)
        {
            final ClientConductor.Request request = newRequest(0, id, e, e.callFunction.encodedLength(), timeoutNs, true);
            request.broadcast = new ClientConductor.Broadcast();
            return enqueue(request);
        }
        return submit(id, e, e.callFunction.encodedLength(), timeoutNs, mode != CallMode.NO_RETURN);
    }

    /**
     * Encodes a CallFunction into this thread's buffer.
     *
     * @return its correlation id.
     */
    private long encodeCallFunction(
        final Encoders e, final String function, final Object[] args, final CallMode mode, final long deadline, final long periodNs)
    {
        return encodeCallFunction(e, function, args, mode, deadline, periodNs, NO_TIMES);
    }

    private long encodeCallFunction(
        final Encoders e, final String function, final Object[] args, final CallMode mode, final long deadline, final long periodNs,
        final long[] times)
    {
        final byte[] encodedArgs = checkPayload(Values.toBytes(qualifyReferences(Arrays.asList(args)), codecs));
        final long id = correlationIds.incrementAndGet();
        e.callFunction.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .sessionId(clientNode)
            .replyTo(clientNode)
            .deadline(deadline)
            .mode(mode)
            .periodNs(periodNs);
        final CallFunctionEncoder.TimesEncoder group = e.callFunction.timesCount(times.length);
        for (final long time : times)
        {
            group.next().at(time);
        }
        e.callFunction.function(qualify(function)).putArgs(encodedArgs, 0, encodedArgs.length);
        return id;
    }

    private CompletableFuture<Object> callDag(
        final String dag, final Map<String, List<Object>> argsBySource, final List<Object> argsForAll,
        final CallMode mode, final long timeoutNs)
    {
        final Encoders e = encoders.get();
        final long id = correlationIds.incrementAndGet();
        e.callDag.wrapAndApplyHeader(e.buffer, 0, e.header)
            .correlationId(id)
            .sessionId(clientNode)
            .replyTo(clientNode)
            .deadline(epochNanos() + timeoutNs)
            .mode(mode)
            .periodNs(0);
        if (null != argsForAll)
        {
            final byte[] encoded = checkPayload(Values.toBytes(qualifyReferences(argsForAll), codecs));
            e.callDag.sourceArgsCount(1).next().stage(ALL_SOURCES).putArgs(encoded, 0, encoded.length);
        }
        else
        {
            final List<String> functions;
            synchronized (dagFunctions)
            {
                functions = dagFunctions.get(dag);
            }
            if (null == functions)
            {
                throw new DropletException(ErrorCode.INVALID_ARGUMENT,
                    "arguments by source need the DAG's structure: register " + dag + " from this client or pass args to all sources");
            }
            final CallDagEncoder.SourceArgsEncoder sources = e.callDag.sourceArgsCount(argsBySource.size());
            for (final Map.Entry<String, List<Object>> entry : argsBySource.entrySet())
            {
                final int stage = functions.indexOf(entry.getKey());
                if (stage < 0)
                {
                    throw new DropletException(ErrorCode.INVALID_ARGUMENT, entry.getKey() + " is not a stage of " + dag);
                }
                final byte[] encoded = checkPayload(Values.toBytes(qualifyReferences(entry.getValue()), codecs));
                sources.next().stage(stage).putArgs(encoded, 0, encoded.length);
            }
        }
        e.callDag.dag(qualify(dag));
        return submit(id, e, e.callDag.encodedLength(), timeoutNs, mode != CallMode.NO_RETURN);
    }

    private CompletableFuture<Object> submit(
        final long correlationId, final Encoders e, final int bodyLength, final long timeoutNs, final boolean expectsAnswer)
    {
        return submit(0, correlationId, e, bodyLength, timeoutNs, expectsAnswer);
    }

    private CompletableFuture<Object> submit(
        final long destination, final long correlationId, final Encoders e, final int bodyLength, final long timeoutNs,
        final boolean expectsAnswer)
    {
        return enqueue(newRequest(destination, correlationId, e, bodyLength, timeoutNs, expectsAnswer));
    }

    private static ClientConductor.Request newRequest(
        final long destination, final long correlationId, final Encoders e, final int bodyLength, final long timeoutNs,
        final boolean expectsAnswer)
    {
        final byte[] frame = Arrays.copyOf(e.buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
        return new ClientConductor.Request(
            destination, correlationId, frame, System.nanoTime() + timeoutNs, new CompletableFuture<>(), expectsAnswer);
    }

    private CompletableFuture<Object> enqueue(final ClientConductor.Request request)
    {
        if (!linked)
        {
            request.future.completeExceptionally(new DropletException(ErrorCode.NOT_CONNECTED,
                "the media driver is lost; the client reconnects when it is back"));
            return request.future;
        }
        if (!conductor.submit(request))
        {
            request.future.completeExceptionally(new DropletException(ErrorCode.NO_RESOURCES, "client queue full"));
        }
        return request.future;
    }

    private Object join(final CompletableFuture<Object> future)
    {
        return join(future, defaultTimeoutNs);
    }

    private Object join(final CompletableFuture<Object> future, final long timeoutNs)
    {
        waiter.await(future, System.nanoTime() + timeoutNs + DEADLINE_GRACE_NS);
        if (!future.isDone())
        {
            throw new DropletException(ErrorCode.TIMEOUT, "no answer before the deadline");
        }
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof DropletException)
            {
                throw (DropletException)ex.getCause();
            }
            throw ex;
        }
    }

    /**
     * Waits for a future this client returned (a BG call, a put, a get) until it is done or the timeout
     * passes. Use it rather than {@code future.get()} with an in-process node in the invoker profile:
     * there nothing runs unless a caller waits through the client, and this thread does the node's work
     * while it waits. Waiting on a future that never completes is a way to let the node work for a while.
     *
     * @param future  to wait for.
     * @param timeout longest wait.
     * @return true if the future is done.
     */
    public boolean await(final CompletableFuture<?> future, final Duration timeout)
    {
        waiter.await(future, System.nanoTime() + timeout.toNanos());
        return future.isDone();
    }

    /**
     * @return the largest encoded argument list (or result) a call may carry: the message limit less a
     * reserve for the messages that carry it. One byte more is PAYLOAD_TOO_LARGE, raised at the call.
     */
    public int maxPayloadLength()
    {
        return conductor.channels().transport().context().maxPayloadLength();
    }

    private byte[] checkPayload(final byte[] encodedArgs)
    {
        if (encodedArgs.length > maxPayloadLength())
        {
            throw new DropletException(ErrorCode.PAYLOAD_TOO_LARGE,
                "arguments of " + encodedArgs.length + " bytes exceed the payload limit of " + maxPayloadLength());
        }
        return encodedArgs;
    }

    private static long epochNanos()
    {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /**
     * Stops what the client runs on (for a local client, the whole node).
     */
    public void close()
    {
        onClose.run();
    }
}
