package io.droplet.executors;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.Introductions;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.security.CredentialsFile;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * Runs DAG stages (DESIGN.md section 4, hops 3 and 4), as a duty cycle over the executor's protocol and
 * state machines: the {@link ExecutorAdapter} decodes what arrives and calls the agent's
 * {@link ExecutorListener}, which hands each message to the state machine whose job it is
 * ({@link StageRunner}, {@link ReferenceResolver}, {@link FanIns}, {@link OutputCommit},
 * {@link Heartbeats}, {@link ShippedFunctions}, {@link FunctionMailbox}); everything leaves through the
 * {@link ExecutorPublisher}. The agent thread runs only functions declared short; every other function
 * runs on the executor's worker pool ({@link PooledLane}), whose finished runs the agent hands on in its
 * duty cycle, so heartbeats, triggers and cache answers keep flowing while functions run. Everything a
 * stage needs travels with its trigger, so the executor keeps no per-DAG state beyond fan-ins, parked
 * triggers and held outputs, each bounded ({@link ExecutorBounds}) and released when the invocation fails or its
 * deadline passes, and runs on the pool, whose
 * results are dropped if they come back after it (a run is not interrupted yet).
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class ExecutorAgent implements Agent, AutoCloseable
{
    /** Most stages in one DAG. */
    public static final int MAX_STAGES = StageSchedule.MAX_STAGES;
    /** Most edges in one DAG. */
    public static final int MAX_EDGES = StageSchedule.MAX_EDGES;

    private final NodeChannels channels;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final int fragmentLimit;
    private final long expiryCheckPeriodNs;
    private final ExecutorCounters counters;
    private final DeferredSends deferredSends;
    private final StageOutputs outputs;
    private final FanIns fanIns;
    private final ReferenceResolver resolver;
    private final OutputCommit commit;
    private final FunctionMailbox mailbox;
    private final StageRunner runner;
    private final PooledLane lane;
    private final Heartbeats heartbeats;
    private final Completions completions;
    private final NestedCalls nested;
    private final ShippedFunctions shippedFunctions;
    private final InboundAdapter inbound;
    private long nextExpiryCheckNs;

    /**
     * @param context parts and settings, concluded here; the agent opens the inbound side of its channels.
     */
    public ExecutorAgent(final ExecutorContext context)
    {
        context.conclude();
        this.channels = context.channels();
        this.clock = context.nanoClock();
        this.epochClock = context.epochClock();
        this.fragmentLimit = context.fragmentLimit();
        this.expiryCheckPeriodNs = context.expiryCheckPeriodNs();
        final long nodeId = channels.nodeId();
        final CredentialsFile credentials = channels.transport().context().credentials();
        final boolean namespaced = null != credentials && null != credentials.deploymentKey();
        final int maxMessage = context.maxMessageLength();

        this.counters = new ExecutorCounters(channels.transport().aeron()::addCounter, "executor-" + nodeId);
        this.deferredSends = new DeferredSends(
            channels.peers(), channels.counters(), context.sendRetryWindowNs(), context.deferredSendsCapacity());
        final ErrorReplier errorReplier = new ErrorReplier(channels, deferredSends);
        final ExecutorPublisher publisher = new ExecutorPublisher(context, deferredSends, errorReplier, counters);
        this.heartbeats = new Heartbeats(publisher, context.functions(), context.heartbeatPeriodNs(),
            context.reportIntervalNs(), clock.nanoTime());
        this.completions = new Completions(publisher, heartbeats, context.completionsLingerNs());
        // A nested call's future is completed off the agent: whatever a function chained on it runs elsewhere.
        this.nested = new NestedCalls(publisher, heartbeats, epochClock, java.util.concurrent.ForkJoinPool.commonPool(),
            counters, context.queue() + context.workers(), context.cancelCheckPeriodNs(), context.nestedCallsInFlight());
        this.fanIns = new FanIns(context.bounds(), epochClock, counters);
        this.outputs = new StageOutputs(publisher, counters, completions).fanIns(fanIns, nodeId);
        this.commit = new OutputCommit(outputs, counters);
        final HostCache cache = context.cache();
        this.resolver = null == cache ? null : new ReferenceResolver(cache, publisher, outputs, maxMessage, context.bounds(),
            counters.triggersParkRefused);
        final StageNamespace namespace = new StageNamespace(namespaced, counters.keysRefused);
        this.mailbox = new FunctionMailbox(nodeId, publisher, counters, maxMessage, context.mailboxCapacity());
        final StageInvocation invocation = new StageInvocation(epochClock);
        final StageState state = new StageState(cache, publisher, commit, namespace, counters, epochClock, maxMessage);
        invocation.state(state);
        invocation.mailbox(mailbox);
        final int payloadLimit = context.maxPayloadLength();
        final WorkerPool pool = new WorkerPool(context.workers(), context.queue(), context.workerSpinNs(),
            (owner) -> new PooledRun(owner, cache, namespaced, counters, nodeId, maxMessage, payloadLimit, epochClock, nested,
                context.processTimeoutNs()),
            new WorkerThreads("droplet-executor-" + nodeId + "-worker-"));
        heartbeats.pool(pool);
        this.lane = new PooledLane(pool, namespace, state, commit, outputs, mailbox, counters, epochClock, nodeId, fragmentLimit,
            context.cancelCheckPeriodNs(), new KeyedActivations(context.keyedActivations(), cache, publisher, maxMessage,
                counters.keyedActivations, counters.keyedEvictions));
        this.runner = new StageRunner(context.functions(), resolver, fanIns, commit, outputs, namespace, invocation, mailbox,
            lane, counters, epochClock, nodeId, maxMessage, payloadLimit);
        this.shippedFunctions = new ShippedFunctions(context, counters, channels.transport().errorHandler());

        context.schedulers().forEach((scheduler, endpoint) ->
        {
            heartbeats.addScheduler(scheduler);
            channels.peers().keep(scheduler);
            channels.peers().register(scheduler, endpoint);
        });
        if (null != cache)
        {
            channels.peers().keep(context.cacheNode());
            channels.peers().register(context.cacheNode(), context.cacheEndpoint());
        }
        this.inbound = channels.open(new ExecutorAdapter(new Listener(), errorReplier));
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = inbound.poll(fragmentLimit);
        final boolean pooled = 0 != lane.busy();
        if (pooled)
        {
            // Stages that ran on the worker pool are finished here, on the agent's thread, which owns the publisher.
            // Skipped (one field read) while no run is out: a microsecond call's every duty cycle pays for this.
            work += lane.poll();
        }
        final long now = clock.nanoTime();
        if (deferredSends.size() > 0)
        {
            work += deferredSends.retry(now);
        }
        if (pooled)
        {
            work += lane.expire(now);
        }
        work += nested.poll(now);
        work += completions.poll(now);
        if (heartbeats.mayTick(now))
        {
            // The epoch clock costs tens of nanoseconds a read: read only when a heartbeat or report may go.
            work += heartbeats.tick(now, epochClock.nanoTime(), fanIns.waiting());
        }
        if (now - nextExpiryCheckNs >= 0)
        {
            nextExpiryCheckNs = now + expiryCheckPeriodNs;
            work += expire(epochClock.nanoTime());
        }
        return work;
    }

    private int expire(final long epochNowNs)
    {
        final int parked = null == resolver ? 0 : resolver.parked();
        if (0 == fanIns.waiting() && 0 == parked && 0 == commit.held())
        {
            return 0;
        }
        int work = fanIns.expire(epochNowNs, outputs) + commit.expire(epochNowNs);
        if (null != resolver)
        {
            work += resolver.expire(epochNowNs);
        }
        counters.fanInsWaiting.setRelease(fanIns.waiting() + (null == resolver ? 0 : resolver.parked()));
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "droplet-executor";
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        close();
    }

    /**
     * Releases the class loaders and processes of shipped functions, and the counters.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(lane, shippedFunctions, counters);
    }

    /**
     * @return stages run to completion.
     */
    public long stagesRun()
    {
        return counters.stagesRun.get();
    }

    /**
     * @return stages that ended in an error sent to the caller.
     */
    public long stagesFailed()
    {
        return counters.stagesFailed.get();
    }

    /**
     * @return stages refused NO_RESOURCES because every worker was busy and the queue full.
     */
    public long runsRefused()
    {
        return counters.runsRefused.get();
    }

    /**
     * @return results of pooled runs dropped because they came back after their deadline.
     */
    public long lateResultsDropped()
    {
        return counters.lateResultsDropped.get();
    }

    /**
     * @return processes of process functions killed (or found dead) and replaced.
     */
    public long processesReplaced()
    {
        return counters.processesReplaced.get();
    }

    /**
     * @return outputs that could not be sent (unknown or unreachable destination).
     */
    public long undeliverable()
    {
        return counters.undeliverable.get();
    }

    /**
     * Names the pool's worker threads after their executor, so a thread dump shows whose functions run where.
     */
    private static final class WorkerThreads implements java.util.concurrent.ThreadFactory
    {
        private final String prefix;
        private int next;

        WorkerThreads(final String prefix)
        {
            this.prefix = prefix;
        }

        public Thread newThread(final Runnable work)
        {
            return new Thread(work, prefix + next++);
        }
    }

    /**
     * Hands each decoded message to the state machine whose job it is: the agent's side of its adapter,
     * kept off the agent's public surface.
     */
    private final class Listener implements ExecutorListener
    {
        /**
         * {@inheritDoc}
         */
        public void onTrigger(
            final long invocationId, final long correlationId, final long replyTo, final long deadline, final int targetStage,
            final int fromStage, final int attempt, final StageSchedule schedule, final DirectBuffer buffer,
            final int argsOffset, final int argsLength)
        {
            runner.onTrigger(invocationId, correlationId, replyTo, deadline, targetStage, fromStage, attempt, schedule,
                buffer, argsOffset, argsLength, false);
        }

        /**
         * {@inheritDoc}
         */
        public void onMalformedTrigger(final long replyTo, final long correlationId, final String reason)
        {
            outputs.fail(0, replyTo, correlationId, ErrorCode.MALFORMED, reason);
        }

        /**
         * {@inheritDoc}
         */
        public void onCacheAnswer(final long correlationId, final ErrorCode code)
        {
            if (KeyedActivations.owns(correlationId))
            {
                lane.onStateLoaded(correlationId);
                return;
            }
            runner.onCacheAnswer(correlationId, code);
        }

        /**
         * {@inheritDoc}
         */
        public void onCacheError(final long correlationId, final ErrorCode code)
        {
            if (NestedCalls.owns(correlationId))
            {
                nested.onError(correlationId, code);
                return;
            }
            if (KeyedActivations.owns(correlationId))
            {
                lane.onStateLoadFailed(correlationId, code);
                return;
            }
            runner.onCacheError(correlationId, code);
        }

        /**
         * {@inheritDoc}
         */
        public void onCallResult(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            nested.onResult(correlationId, buffer, offset, length);
        }

        /**
         * {@inheritDoc}
         */
        public void onPutResponse(final long correlationId, final ErrorCode code)
        {
            commit.onPutResponse(correlationId, code);
        }

        /**
         * {@inheritDoc}
         */
        public void onFunctionMessage(
            final long from, final long to, final long invocationId, final DirectBuffer buffer, final int offset, final int length)
        {
            mailbox.onMessage(from, to, buffer, offset, length);
        }

        /**
         * The scheduler introduces the nodes an executor must be able to reach: callers, other executors, and
         * the other schedulers of the deployment (heartbeated to as well).
         */
        public void onIntroduction(final long node, final String identity, final String replyEndpoint)
        {
            if (Introductions.SCHEDULER_IDENTITY.equals(identity))
            {
                channels.peers().keep(node);
            }
            try
            {
                if (!channels.peers().register(node, Endpoint.parse(replyEndpoint)))
                {
                    return; // Counted: the executor remembers as many peers as it may (see PeerLimits).
                }
            }
            catch (final IllegalArgumentException ex)
            {
                channels.transport().errorHandler().onError(Endpoint.MALFORMED);
                return;
            }
            if (Introductions.SCHEDULER_IDENTITY.equals(identity))
            {
                heartbeats.addScheduler(node);
            }
        }

        /**
         * {@inheritDoc}
         */
        public void onRegisterFunction(
            final String name, final long sessionId, final long correlationId, final long version, final FunctionKind kind,
            final String entryPoint, final DirectBuffer code, final int codeOffset, final int codeLength)
        {
            shippedFunctions.register(name, sessionId, correlationId, version, kind, entryPoint, code, codeOffset, codeLength);
        }

        /**
         * {@inheritDoc}
         */
        public void onDeleteFunction(final String name)
        {
            shippedFunctions.delete(name);
        }

        /**
         * {@inheritDoc}
         */
        public void onCancelInvocation(final long invocationId, final long correlationId)
        {
            lane.cancel(invocationId);
            // Whatever the invocation's fan-ins hold here is for nobody now.
            fanIns.release(invocationId);
        }
    }
}
