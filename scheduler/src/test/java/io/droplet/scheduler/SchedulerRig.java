package io.droplet.scheduler;

import io.droplet.codecs.sbe.Role;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagEncoder;
import io.droplet.codecs.sbe.RegisterFunctionEncoder;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.transport.Endpoint;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scheduler's state machines wired as the agent wires them, with no media driver: an injected nano
 * and epoch clock, a recording publisher, and (optionally) a fake KVS.
 */
final class SchedulerRig
{
    static final long SCHEDULER = 1;
    static final long EPOCH_START = 1_700_000_000_000_000_000L;
    /** Longest wait for a free slot of a call without a deadline. */
    static final long QUEUE_TIMEOUT_NS = 5_000_000_000L;
    /** Workers (all free) an executor announces by {@link #heartbeat}. */
    static final int WORKERS = 16;

    final CachedNanoClock clock = new CachedNanoClock();
    final long[] epochNow = { EPOCH_START };
    final EpochNanoClock epochClock = () -> epochNow[0];
    final RecordingPublisher publisher = new RecordingPublisher();
    final List<Throwable> errors = new ArrayList<>();
    final ErrorHandler errorHandler = errors::add;
    final List<Long> registeredPeers = new ArrayList<>();
    /** Peers the rig's directory knows; a test removes one to have the directory forget it. */
    final java.util.Set<Long> knownPeers = new java.util.HashSet<>();
    /** Most peers the rig's directory knows; past it a new one is refused. */
    int peerCapacity = Integer.MAX_VALUE;
    /** Peers the scheduler keeps (its nodes): a Connect claiming one's id is refused, as the directory does. */
    final java.util.Set<Long> keptPeers = new java.util.HashSet<>();
    final SchedulerCounters counters;
    final FakeRegistryStorage storage;
    final Membership membership;
    final StatefulPins pins;
    final InvocationLauncher launcher;
    final CodeShipping codeShipping;
    final Registry registry;
    final PeriodicCalls periodicCalls;
    final Calls calls;
    final Registrations registrations;
    /** The scheduler's door: decodes frames and checks call arguments before {@link #calls} sees them. */
    final ClientRequestAdapter adapter;
    final long executorTimeoutNs;
    final WaitingCalls waiting;

    SchedulerRig(final PlacementPolicy placement, final boolean withKvs)
    {
        this(placement, withKvs, 1_000_000_000L, 16);
    }

    SchedulerRig(final PlacementPolicy placement, final boolean withKvs, final long executorTimeoutNs, final int logCapacity)
    {
        this(placement, withKvs, executorTimeoutNs, logCapacity, 4096);
    }

    SchedulerRig(
        final PlacementPolicy placement, final boolean withKvs, final long executorTimeoutNs, final int logCapacity,
        final int queueCapacity)
    {
        this.executorTimeoutNs = executorTimeoutNs;
        clock.update(1_000_000_000L);
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        counters = new SchedulerCounters((typeId, label) -> countersManager.newCounter(label, typeId), "test");
        storage = withKvs ? new FakeRegistryStorage() : null;
        final CacheLocality locality = new CacheLocality();
        membership = new Membership(executorTimeoutNs, clock, epochClock,
            new Membership.Peers()
            {
                public boolean register(final long node, final io.droplet.transport.Endpoint endpoint)
                {
                    if (!knownPeers.contains(node) && knownPeers.size() >= peerCapacity)
                    {
                        return false;
                    }
                    knownPeers.add(node);
                    return registeredPeers.add(node);
                }

                public boolean knows(final long node)
                {
                    return knownPeers.contains(node);
                }

                public boolean registerConnecting(final long node, final io.droplet.transport.Endpoint endpoint)
                {
                    return !keptPeers.contains(node) && register(node, endpoint);
                }

                public void keep(final long node)
                {
                    keptPeers.add(node);
                }

                public void release(final long node)
                {
                    keptPeers.remove(node);
                }
            }, publisher, publisher, locality, errorHandler, counters);
        pins = new StatefulPins(membership, publisher);
        waiting = new WaitingCalls(queueCapacity, 1L << 20);
        launcher = new InvocationLauncher(SCHEDULER, placement, membership, pins, locality,
            new InvocationLog(logCapacity, 1024), publisher, publisher, counters, epochClock, clock, waiting, QUEUE_TIMEOUT_NS);
        codeShipping = new CodeShipping(SCHEDULER, membership, pins, publisher, counters, 2_000_000_000L);
        registry = new Registry(storage, ClientRequestAdapter.registrationReader(), codeShipping, errorHandler, counters);
        membership.wire(new ExecutorEvents(codeShipping, launcher), null);
        periodicCalls = new PeriodicCalls(clock, 1L << 20, 512, epochClock, 100_000_000L, 10_000_000_000L, launcher);
        calls = new Calls(registry, launcher, new Broadcast(membership, launcher, publisher, counters), periodicCalls,
            publisher, counters);
        registrations = new Registrations(registry, membership, publisher, counters, true);
        adapter = new ClientRequestAdapter(new ClientRequests(calls, registrations, membership, publisher, counters), null);
    }

    /**
     * Moves both clocks on.
     */
    void advance(final long ns)
    {
        clock.advance(ns);
        epochNow[0] += ns;
    }

    /**
     * Time passing while the scheduler's duty cycle runs as usual (membership's work every 50 ms), so that it
     * expires silent executors; one {@link #advance} past a quarter of the executor timeout looks to it like a
     * stall of its own thread, after which it first waits for heartbeats.
     */
    void runFor(final long ns)
    {
        final long step = 50_000_000L;
        for (long left = ns; left > 0; left -= step)
        {
            advance(Math.min(step, left));
            membership.doWork(clock.nanoTime());
        }
    }

    /**
     * A heartbeat announcing functions that run inline (declared short: they take no slot), with
     * {@link #WORKERS} workers all free.
     */
    void heartbeat(final long executor, final String host, final int queueDepth, final String... functions)
    {
        final UnsafeBuffer endpoint = utf8(host + ":0/" + (5000 + executor));
        membership.onHeartbeat(executor, Role.EXECUTOR.value(), queueDepth, WORKERS, WORKERS, 7,
            new HashSet<>(Set.of(functions)), new HashSet<>(Set.of(functions)), endpoint, 0, endpoint.capacity(), endpoint, 0, 0);
    }

    /**
     * A heartbeat announcing pooled functions (each stage of them takes a slot), with the pool's capacity.
     */
    void pooledHeartbeat(final long executor, final String host, final int workers, final int freeSlots,
        final String... functions)
    {
        final UnsafeBuffer endpoint = utf8(host + ":0/" + (5000 + executor));
        membership.onHeartbeat(executor, Role.EXECUTOR.value(), 0, workers, freeSlots, 7,
            new HashSet<>(Set.of(functions)), Set.of(), endpoint, 0, endpoint.capacity(), endpoint, 0, 0);
    }

    /**
     * A capacity report of an executor (of the incarnation {@link #heartbeat} announces).
     */
    void capacity(final long executor, final int workers, final int freeSlots)
    {
        membership.onCapacity(executor, 7, workers, freeSlots);
    }

    void cacheHeartbeat(final long cache, final String host, final byte[] summary)
    {
        final UnsafeBuffer endpoint = utf8(host + ":0/" + (6000 + cache));
        membership.onHeartbeat(cache, Role.CACHE.value(), 0, 0, 0, 7, Set.of(), Set.of(),
            endpoint, 0, endpoint.capacity(), new UnsafeBuffer(summary), 0, summary.length);
    }

    void callFunction(final long correlationId, final String function, final long deadline, final byte[] args)
    {
        callFunction(correlationId, function, deadline, CallMode.FG, args);
    }

    void callFunction(final long correlationId, final String function, final long deadline, final CallMode mode,
        final byte[] args)
    {
        final UnsafeBuffer name = utf8(function);
        final UnsafeBuffer argsBuffer = new UnsafeBuffer(args);
        calls.onCallFunction(correlationId, 99, deadline, mode, 0, new long[0], 0, name, 0, name.capacity(),
            new SourceArgs().wrap(argsBuffer).stage(0, 0, args.length));
    }

    /** Registers a function through the registry's request path (no KVS: applied at once). */
    void register(final String function, final FunctionKind kind)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(registerFunctionFrame(function, kind));
        final UnsafeBuffer name = utf8(function);
        registrations.onRegisterFunction(1000, 99, kind, name, 0, name.capacity(), frame, 0, frame.capacity());
    }

    /** Registers a function by class through the registry's request path, as a client's frame says. */
    void register(final long correlationId, final String function, final FunctionKind kind, final String className, final byte[] code)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(registerFunctionFrame(function, kind, className, code));
        final UnsafeBuffer name = utf8(function);
        registrations.onRegisterFunction(correlationId, 99, kind, name, 0, name.capacity(), frame, 0, frame.capacity());
    }

    static UnsafeBuffer utf8(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] registerFunctionFrame(final String function, final FunctionKind kind)
    {
        final boolean byClass = kind == FunctionKind.JAVA || kind == FunctionKind.STATEFUL_CLASS || kind == FunctionKind.KEYED_CLASS;
        return registerFunctionFrame(function, kind, byClass ? EchoFunction.class.getName() : "", new byte[0]);
    }

    static byte[] registerFunctionFrame(final String function, final FunctionKind kind, final String entryPoint, final byte[] code)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 + code.length]);
        final RegisterFunctionEncoder encoder = new RegisterFunctionEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(1).sessionId(99).version(0).kind(kind).name(function).entryPoint(entryPoint);
        encoder.putCode(code, 0, code.length);
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        buffer.getBytes(0, frame);
        return frame;
    }

    static byte[] registerDagFrame(final String dag, final String[] functions, final int[] from, final int[] to)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final RegisterDagEncoder encoder = new RegisterDagEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).correlationId(1).sessionId(99);
        final RegisterDagEncoder.FunctionsEncoder group = encoder.functionsCount(functions.length);
        for (final String function : functions)
        {
            group.next().function(function);
        }
        final RegisterDagEncoder.ConnectionsEncoder connections = encoder.connectionsCount(from.length);
        for (int e = 0; e < from.length; e++)
        {
            connections.next().fromStage(from[e]).toStage(to[e]);
        }
        encoder.name(dag);
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()];
        buffer.getBytes(0, frame);
        return frame;
    }

    static LwwLattice entry(final byte[] frame)
    {
        return new LwwLattice(1, 1, frame);
    }

    static Endpoint endpointOf(final String host, final long node)
    {
        return Endpoint.parse(host + ":0/" + (5000 + node));
    }
}
