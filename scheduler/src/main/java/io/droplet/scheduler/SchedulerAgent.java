package io.droplet.scheduler;

import io.droplet.transport.DeferredSends;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.PeerDirectory;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * The scheduler agent (see the package documentation): a duty cycle over the scheduler's state
 * machines. Each cycle reads the clock once, polls the inbound stream (the {@link ClientRequestAdapter}
 * decodes each frame and calls the state machine whose job it is), lets the registry's KVS client work,
 * runs discovery, expires silent executors, answers TIMEOUT to calls that waited for a free slot past their
 * deadline, runs the periodic calls that are due, and retries the sends kept for links that were not ready.
 * <p>
 * The parts: {@link Registry} and {@link Registrations} (the registry and its requests), {@link Calls}
 * (the first hop of a call), {@link InvocationLauncher} (placement, triggers, re-runs), {@link Broadcast},
 * {@link PeriodicCalls}, {@link Membership}, {@link CodeShipping} and {@link StatefulPins}; they send
 * through the {@link ClientPublisher} and the {@link ExecutorPublisher}.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread; {@link #liveExecutorCount()} and
 * {@link #invocationsStarted()} may be read from any thread.
 */
public final class SchedulerAgent implements Agent
{
    /** A {@code CallDag} source-args entry with this stage gives its args to every source stage. */
    public static final int ALL_SOURCES = ClientRequestAdapter.ALL_SOURCES;

    private final NanoClock clock;
    private final CachedNanoClock cachedClock = new CachedNanoClock();
    private final int fragmentLimit;
    private final InboundAdapter inbound;
    private final DeferredSends deferredSends;
    private final SchedulerCounters counters;
    private final Registry registry;
    private final SchedulerDiscovery discovery;
    private final Membership membership;
    private final PeriodicCalls periodicCalls;
    private final InvocationLauncher launcher;

    /**
     * @param context parts and settings, concluded here; the agent opens the inbound side of its channels.
     */
    public SchedulerAgent(final SchedulerContext context)
    {
        context.conclude();
        final NodeChannels channels = context.channels();
        final long nodeId = channels.nodeId();
        final ErrorHandler errorHandler = channels.transport().errorHandler();
        final EpochNanoClock epochClock = context.epochClock();
        this.clock = context.nanoClock();
        this.fragmentLimit = context.fragmentLimit();
        cachedClock.update(clock.nanoTime());

        this.deferredSends = new DeferredSends(
            channels.peers(), channels.counters(), context.sendRetryWindowNs(), context.sendCapacity());
        this.counters = new SchedulerCounters(channels.transport().aeron()::addCounter, "scheduler-" + nodeId);
        final ClientPublisher clientPublisher = new ClientPublisher(
            deferredSends, new ErrorReplier(channels, deferredSends), cachedClock);
        final ExecutorPublisher executorPublisher = new ExecutorPublisher(deferredSends, cachedClock);

        final CacheLocality locality = new CacheLocality();
        this.membership = new Membership(context.executorTimeoutNs(), cachedClock, epochClock, peers(channels.peers()),
            executorPublisher, clientPublisher, locality, errorHandler, counters);
        final StatefulPins pins = new StatefulPins(membership, executorPublisher);
        this.launcher = new InvocationLauncher(nodeId, context.placement(), membership, pins, locality,
            new InvocationLog(context.invocationLogCapacity(), context.invocationLogArgsBytes()),
            executorPublisher, clientPublisher, counters, epochClock, cachedClock,
            new WaitingCalls(context.queueCapacity(), context.queueBytes()), context.queueTimeoutNs());
        final CodeShipping codeShipping = new CodeShipping(
            nodeId, membership, pins, executorPublisher, counters, context.replayIntervalNs());

        final RegistryStorage storage = null == context.registryChannels() ? null : new RegistryStore(
            context.registryChannels(), context.storageNodes(), context.replicationFactor(), context.virtualNodes(),
            nodeId, clock, epochClock, context.registryTimeoutNs());
        this.registry = new Registry(storage, ClientRequestAdapter.registrationReader(), codeShipping, errorHandler, counters);
        this.discovery = null == storage ? null : new SchedulerDiscovery(
            storage, nodeId, channels.self().toString(), context.discoveryPeriodNs(), membership::onSchedulerDiscovered);
        membership.wire(new ExecutorEvents(codeShipping, launcher), discovery);

        this.periodicCalls = new PeriodicCalls(cachedClock, context.timerTickNs(), SchedulerContext.TIMER_TICKS_PER_WHEEL,
            epochClock, context.minTimedRunNs(), context.lastTimedRunNs(), launcher)
            .limits(context.limits().minPeriodNs(), context.limits().periodicCallsPerCaller(),
                context.limits().periodicCalls(), context.limits().periodicCallBytes(), counters);
        final Calls calls = new Calls(registry, launcher, new Broadcast(membership, launcher, clientPublisher, counters),
            periodicCalls, clientPublisher, counters);
        final ClientRequestAdapter adapter = new ClientRequestAdapter(
            new ClientRequests(calls, new Registrations(registry, membership, clientPublisher, counters,
                context.limits().classesShared()), membership, clientPublisher, counters),
            new MembershipAdapter(membership));
        this.inbound = channels.open(adapter);
        adapter.inbound(inbound);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long now = clock.nanoTime();
        cachedClock.update(now);
        int work = inbound.poll(fragmentLimit);
        work += registry.doWork();
        if (null != discovery)
        {
            work += discovery.doWork(now);
        }
        work += membership.doWork(now);
        work += launcher.doWork(now);
        work += periodicCalls.poll(now);
        if (deferredSends.size() > 0)
        {
            work += deferredSends.retry(now);
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-scheduler";
    }

    /**
     * @return executors heard from within the timeout (readable from any thread).
     */
    public int liveExecutorCount()
    {
        return membership.liveExecutorCount();
    }

    /**
     * @return invocations started (triggers sent for their sources).
     */
    public long invocationsStarted()
    {
        return counters.invocationsStarted.get();
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        if (null != registry.storage())
        {
            registry.storage().close();
        }
        counters.close();
    }

    private static Membership.Peers peers(final PeerDirectory directory)
    {
        return new Membership.Peers()
        {
            public boolean register(final long node, final io.droplet.transport.Endpoint endpoint)
            {
                return directory.register(node, endpoint);
            }

            public boolean knows(final long node)
            {
                return null != directory.endpoint(node);
            }

            public boolean admitConnect(final long node)
            {
                return directory.admitConnect(node);
            }

            public boolean registerConnecting(final long node, final io.droplet.transport.Endpoint endpoint)
            {
                return directory.registerConnecting(node, endpoint);
            }

            public void keep(final long node)
            {
                directory.keep(node);
            }

            public void release(final long node)
            {
                directory.release(node);
            }
        };
    }
}
