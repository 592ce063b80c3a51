package io.droplet.client;

import io.droplet.api.BroadcastResult;
import io.droplet.api.Connection;
import io.droplet.api.DropletException;
import io.droplet.api.PeriodicCall;
import io.droplet.api.DropletFunction;
import io.droplet.api.KeyedFunction;
import io.droplet.api.StatefulFunction;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.JsonValues;
import io.droplet.codecs.value.Values;
import io.droplet.api.lattice.Lattice;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.transport.Endpoint;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
 * The work is split in parts this class delegates to: {@link Registrations} (the registry), {@link Calls}
 * (the call modes), {@link LatticeKvs} (the lattice KVS), over one {@link ClientSession}.
 * <p>
 * <b>Note:</b> thread-safe: any number of threads may call concurrently.
 */
public final class DropletClient implements AutoCloseable
{
    /** Package-private for {@link HostedClient}. */
    final ClientSession session;
    private final Registrations registrations;
    private final Calls calls;
    private final LatticeKvs kvs;
    private final Runnable onClose;

    /**
     * Made by {@code Droplet.local()}; call {@link #connect()} before use.
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
        this.session = new ClientSession(conductor, defaultTimeoutNs, waiter, codecs);
        this.registrations = new Registrations(session, installer);
        this.calls = new Calls(session, registrations);
        this.kvs = new LatticeKvs(session);
        this.onClose = onClose;
    }

    /**
     * Joins a running deployment through the host's media driver; the client's agent runs on a thread of its own.
     * @param context where the driver and the scheduler are.
     * @return a connected client; closing it stops its thread and transport.
     * @throws DropletException NOT_CONNECTED if there is no media driver, or it does not answer in time.
     */
    public static DropletClient connect(final RemoteContext context)
    {
        return RemoteConnection.open(context);
    }

    /** The link under a remote client was lost: new requests fail with NOT_CONNECTED until {@link #relink}. */
    void unlink()
    {
        session.unlink();
    }

    /** @param next conductor of a new link (the driver is back); introduces the client again, not waiting. */
    void relink(final ClientConductor next)
    {
        session.relink(next);
        kvs.relink(next);
        session.enqueue(session.introduction(0, false));
    }

    /** @return true while this client passes storage {@code node} over (it left a request unanswered in time). */
    public boolean isSuspected(final long node)
    {
        return kvs.isSuspected(node);
    }

    /** @return false while a remote client's media driver is lost (calls fail with NOT_CONNECTED). */
    public boolean isLinked()
    {
        return session.isLinked();
    }

    /** Introduces this client to the scheduler (its endpoint, so answers can reach it). */
    public void connect()
    {
        session.introduceAndWait(0);
    }

    /**
     * Registers a function that runs in this process's executors (local mode).
     * @param name     of the function.
     * @param function to run.
     * @throws UnsupportedOperationException on a client of a remote deployment (shipping code comes later).
     */
    public void registerFunction(final String name, final DropletFunction function)
    {
        registrations.registerLocal(name, function);
    }

    /**
     * Registers a function by its class, which executors load from their class path (public no-argument constructor).
     * @param name of the function.
     * @param type implementing {@link DropletFunction}.
     */
    public void registerFunction(final String name, final Class<? extends DropletFunction> type)
    {
        registrations.register(name, type.getName(), Registrations.NO_CODE, 0, FunctionKind.JAVA);
    }

    /**
     * Registers a function shipped as a jar's bytes, loaded by every executor in a class loader per name and version.
     * @param name      of the function.
     * @param className implementing {@link DropletFunction}, inside the jar.
     * @param jar       the jar's bytes.
     * @param version   of the code; registering a new version replaces the old.
     */
    public void registerFunction(final String name, final String className, final byte[] jar, final long version)
    {
        registrations.register(name, className, jar, version, FunctionKind.JAVA);
    }

    /**
     * Registers a function whose code is a class directory, packed into a jar and shipped as with a jar's bytes.
     * @param name           of the function.
     * @param className      implementing {@link DropletFunction}, inside the directory.
     * @param classDirectory root of the compiled classes (package directories below it).
     * @param version        of the code; registering a new version replaces the old.
     * @throws java.io.UncheckedIOException if the directory cannot be read.
     */
    public void registerFunction(final String name, final String className, final java.nio.file.Path classDirectory, final long version)
    {
        registrations.register(name, className, FunctionJars.pack(classDirectory), version, FunctionKind.JAVA);
    }

    /**
     * Registers a stateful function: one instance, made and {@code init()}-ed on the executor the scheduler pins it
     * to, serves every call and keeps its state between calls. Loaded from the executors' class path.
     * @param name of the function.
     * @param type implementing {@link StatefulFunction}.
     */
    public void registerStatefulFunction(final String name, final Class<? extends StatefulFunction> type)
    {
        registrations.register(name, type.getName(), Registrations.NO_CODE, 0, FunctionKind.STATEFUL_CLASS);
    }

    /**
     * Registers a keyed stateful function (as Orleans' grains, Restate's virtual objects): the deployment keeps one
     * activation of the class per key, on the executor the key is placed on, and calls to a key run one at a time
     * in order. Call a key through {@link #instance}. Loaded from the executors' class path.
     * @param name of the function.
     * @param type implementing {@link KeyedFunction}, with a public no-argument constructor.
     */
    public void registerKeyedFunction(final String name, final Class<? extends KeyedFunction> type)
    {
        registrations.register(name, type.getName(), Registrations.NO_CODE, 0, FunctionKind.KEYED_CLASS);
    }

    /**
     * @param function a keyed function's name ({@link #registerKeyedFunction}).
     * @param key      of the activation to call.
     * @return a handle whose calls reach that key's activation.
     */
    public KeyedInstance instance(final String function, final String key)
    {
        return new KeyedInstance(calls, session, function, key);
    }

    /**
     * Registers a process function: an executable that reads one JSON request per line on its standard input,
     * {@code {"args": [...], "invocation": id}}, and writes one JSON reply per line, {@code {"result": value}} or
     * {@code {"error": "text"}}, for as long as it runs. Every executor keeps a pool of its processes, started on
     * first need; one that exits, does not answer by the call's deadline or writes anything else is killed and
     * replaced, and its call fails with EXECUTION_ERROR (or TIMEOUT, past the deadline).
     * @param name    of the function.
     * @param command the program and its arguments, as found on the executors' hosts.
     */
    public void registerProcessFunction(final String name, final List<String> command)
    {
        registrations.register(name, JsonValues.toJson(command), Registrations.NO_CODE, 0, FunctionKind.PROCESS);
    }

    /**
     * @param name of a registered function.
     * @throws DropletException FUNCTION_NOT_FOUND if there is none.
     */
    public void deleteFunction(final String name)
    {
        registrations.deleteFunction(name);
    }

    /** @return the names of the registered functions. */
    public List<String> listFunctions()
    {
        return registrations.listFunctions();
    }

    /**
     * Registers a DAG: its functions (stages) and connections; acyclic, one sink; a function may be in several.
     * @param name        of the DAG.
     * @param functions   its stages, by function name.
     * @param connections its edges.
     * @throws DropletException DAG_ALREADY_EXISTS, FUNCTION_NOT_FOUND or INVALID_ARGUMENT.
     */
    public void registerDag(final String name, final List<String> functions, final List<Connection> connections)
    {
        registrations.registerDag(name, functions, connections);
    }

    /**
     * @param name of a registered DAG.
     * @throws DropletException NO_SUCH_DAG if there is none.
     */
    public void deleteDag(final String name)
    {
        registrations.deleteDag(name);
    }

    /**
     * Calls a function and waits for its result (FG).
     * @param function to call.
     * @param args     its arguments.
     * @return its result.
     * @throws DropletException with the typed reason if it failed or the deadline passed.
     */
    public Object call(final String function, final Object... args)
    {
        return session.join(callAsync(function, args));
    }

    /**
     * Calls a function (BG).
     * @param function to call.
     * @param args     its arguments.
     * @return the result's future; it fails with a {@link DropletException}.
     */
    public CompletableFuture<Object> callAsync(final String function, final Object... args)
    {
        return calls.callFunction(function, args, CallMode.BG, session.defaultTimeoutNs());
    }

    /**
     * Calls a function without waiting for or receiving its result (NO_RETURN).
     * @param function to call.
     * @param args     its arguments.
     */
    public void callNoReturn(final String function, final Object... args)
    {
        calls.callFunction(function, args, CallMode.NO_RETURN, session.defaultTimeoutNs());
    }

    /**
     * Calls a DAG and waits for its sink's result (FG); every source stage gets {@code args}.
     * @param dag  to call.
     * @param args given to every source stage.
     * @return the sink's result.
     * @throws DropletException with the typed reason if it failed or the deadline passed.
     */
    public Object callDag(final String dag, final Object... args)
    {
        return session.join(callDagAsync(dag, args));
    }

    /**
     * Calls a DAG and waits, with a deadline of its own.
     * @param dag     to call.
     * @param timeout relative deadline.
     * @param args    given to every source stage.
     * @return the sink's result.
     */
    public Object callDagWithin(final String dag, final Duration timeout, final Object... args)
    {
        return session.join(calls.callDag(dag, null, Arrays.asList(args), CallMode.FG, timeout.toNanos()), timeout.toNanos());
    }

    /**
     * Calls a DAG (BG); every source stage gets {@code args}.
     * @param dag  to call.
     * @param args given to every source stage.
     * @return the sink's result's future.
     */
    public CompletableFuture<Object> callDagAsync(final String dag, final Object... args)
    {
        return calls.callDag(dag, null, Arrays.asList(args), CallMode.BG, session.defaultTimeoutNs());
    }

    /**
     * Calls a DAG with arguments per source function (BG). The DAG must have been registered by this client.
     * @param dag          to call.
     * @param argsBySource arguments by source function name.
     * @return the sink's result's future.
     */
    public CompletableFuture<Object> callDagAsync(final String dag, final Map<String, List<Object>> argsBySource)
    {
        return calls.callDag(dag, argsBySource, null, CallMode.BG, session.defaultTimeoutNs());
    }

    /**
     * Calls a DAG without waiting for or receiving its result (NO_RETURN).
     * @param dag  to call.
     * @param args given to every source stage.
     */
    public void callDagNoReturn(final String dag, final Object... args)
    {
        calls.callDag(dag, null, Arrays.asList(args), CallMode.NO_RETURN, session.defaultTimeoutNs());
    }

    /**
     * Makes the lattice KVS's storage nodes known to this client and introduces it to each (control path).
     * @param nodes             storage nodes by id, with their endpoints.
     * @param replicationFactor of the ring.
     * @param virtualNodes      of the ring, as the storage nodes use.
     */
    public void useStorage(final Map<Long, Endpoint> nodes, final int replicationFactor, final int virtualNodes)
    {
        kvs.useStorage(nodes, replicationFactor, virtualNodes);
    }

    /**
     * Puts a lattice value: merged into what the key holds, acknowledged by its primary replica (ONE).
     * @param key   of the value.
     * @param value to merge in.
     */
    public void put(final String key, final Lattice value)
    {
        session.join(putAsync(key, value, AckLevel.ONE));
    }

    /**
     * Puts a lattice value with a chosen acknowledgement level.
     * @param key   of the value.
     * @param value to merge in.
     * @param ack   ONE (the first replica merged) or ALL (every replica merged).
     * @return completes when acknowledged; fails with a {@link DropletException}.
     */
    public CompletableFuture<Object> putAsync(final String key, final Lattice value, final AckLevel ack)
    {
        return kvs.putAsync(key, value, ack);
    }

    /**
     * Puts a plain value as a last-writer-wins lattice; a function given {@code Reference.of(key)} gets the value.
     * @param key   of the value.
     * @param value any value the value encoding carries.
     */
    public void putValue(final String key, final Object value)
    {
        put(key, new LwwLattice(session.epochNanos(), session.clientNode(), Values.toBytes(value, session.codecs())));
    }

    /**
     * @param key of a value.
     * @return its lattice value, or null if the key has none.
     */
    public Lattice get(final String key)
    {
        return (Lattice)session.join(getAsync(key));
    }

    /**
     * @param key of a value.
     * @return its lattice value's future (null if none).
     */
    public CompletableFuture<Object> getAsync(final String key)
    {
        return kvs.getAsync(key);
    }

    /**
     * Calls a function on every executor that has it (BROADCAST) and waits for all their answers.
     * @param function to call.
     * @param args     its arguments.
     * @return each executor's result by node id, and the typed errors of those that failed.
     */
    public BroadcastResult broadcast(final String function, final Object... args)
    {
        return (BroadcastResult)session.join(broadcastAsync(function, args));
    }

    /**
     * BROADCAST in the background.
     * @param function to call.
     * @param args     its arguments.
     * @return completes with a {@link BroadcastResult} when every executor answered.
     */
    public CompletableFuture<Object> broadcastAsync(final String function, final Object... args)
    {
        return calls.callFunction(function, args, CallMode.BROADCAST, session.defaultTimeoutNs());
    }

    /**
     * Calls a function every {@code period} until cancelled (PERIOD); each run's result or {@link DropletException}
     * reaches {@code onOutcome} on the client's agent thread (keep it short). A run must end within a period.
     * @param function  to call.
     * @param period    between runs.
     * @param onOutcome of each run.
     * @param args      its arguments, the same for every run.
     * @return the handle that cancels it.
     */
    public PeriodicCall callPeriodic(
        final String function, final Duration period, final java.util.function.Consumer<Object> onOutcome, final Object... args)
    {
        return calls.callPeriodic(function, period, onOutcome, args);
    }

    /**
     * PERIOD at given times: one run at each instant, in order (a past instant at once), each outcome to the
     * consumer, until the last run or {@link PeriodicCall#cancel()}. A run's deadline is the next instant.
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
        return calls.callAt(function, times, onOutcome, args);
    }

    /**
     * Calls {@code function} with each input as its one argument, up to 1,024 at once (the width is the data's, up to
     * that), each with the default timeout; returns the results in input order, or throws the first failure.
     */
    public List<Object> map(final String function, final List<?> inputs)
    {
        return calls.map(function, inputs);
    }

    /**
     * Cancels a call or DAG invocation in flight (as {@code ray.cancel}): its future ends with CANCELLED at once; its
     * running stages see {@code Invocation.isCancelled()}, are interrupted, and their outputs dropped; it is never re-run.
     * @param call a future returned by {@link #callAsync} or {@link #callDagAsync}.
     * @return true if the call was in flight and is now cancelled; false if it had ended already, or the future
     * is not one of this client's calls.
     */
    public boolean cancel(final CompletableFuture<?> call)
    {
        return calls.cancel(call);
    }

    /**
     * Waits for a future this client returned until it is done or the timeout passes. Use it rather than
     * {@code future.get()} with an in-process node in the invoker profile: this thread does the node's work.
     * @param future  to wait for.
     * @param timeout longest wait.
     * @return true if the future is done.
     */
    public boolean await(final CompletableFuture<?> future, final Duration timeout)
    {
        session.await(future, timeout.toNanos());
        return future.isDone();
    }

    /** @return the largest encoded argument list (or result) a call may carry; one byte more is PAYLOAD_TOO_LARGE. */
    public int maxPayloadLength()
    {
        return session.maxPayloadLength();
    }

    /** Stops what the client runs on (for a local client, the whole node). */
    public void close()
    {
        onClose.run();
    }
}
