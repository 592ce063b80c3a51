package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.NameTable;
import io.droplet.codecs.sbe.AckEncoder;
import io.droplet.codecs.sbe.BroadcastStartedEncoder;
import io.droplet.codecs.sbe.CancelDecoder;
import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ConnectedEncoder;
import io.droplet.codecs.sbe.DeleteDagDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.FunctionListEncoder;
import io.droplet.codecs.sbe.HeartbeatDecoder;
import io.droplet.codecs.sbe.ListFunctionsDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.RegisterDagDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.codecs.value.ValueType;
import io.droplet.store.lattice.Lattice;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.Endpoint;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.security.Principal;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scheduler agent (see the package documentation): registry, membership, placement, and the
 * first hop of every call.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class SchedulerAgent implements Agent, FrameHandler
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final int MAX_STAGES = 64;
    /** A {@code CallDag} source-args entry with this stage gives its args to every source stage. */
    public static final int ALL_SOURCES = 65534;

    private final NodeChannels channels;
    private final long nodeId;
    private final PlacementPolicy placement;
    private final long executorTimeoutNs;
    private final NanoClock clock;
    private final EpochNanoClock epochClock = new SystemEpochNanoClock();
    private final InboundAdapter inbound;
    private final ErrorReplier errorReplier;

    private final NameTable<DagDefinition> dags = new NameTable<>();
    private final NameTable<DagDefinition> functions = new NameTable<>();
    private final Map<String, FunctionKind> functionKinds = new TreeMap<>();
    private final Long2ObjectHashMap<ExecutorView> executors = new Long2ObjectHashMap<>();
    private final List<ExecutorView> liveExecutors = new ArrayList<>();
    private final Long2ObjectHashMap<String> endpoints = new Long2ObjectHashMap<>();
    private final Map<String, byte[]> shippedRegistrations = new TreeMap<>();
    private final Map<String, byte[]> statefulRegistrations = new TreeMap<>();
    private final Map<String, ExecutorView> pinned = new java.util.HashMap<>();
    private final Long2ObjectHashMap<PeriodicCall> periodicCalls = new Long2ObjectHashMap<>();
    private final BroadcastStartedEncoder broadcastStartedEncoder = new BroadcastStartedEncoder();
    private final CancelDecoder cancelDecoder = new CancelDecoder();

    /** A PERIOD call: run again every period until cancelled. */
    private static final class PeriodicCall
    {
        final long correlationId;
        final long caller;
        final DagDefinition dag;
        final UnsafeBuffer args;
        final long periodNs;
        /** Epoch ns of each run, for a call at given times; null for one every period. */
        final long[] times;
        int nextTime;
        long nextNs;

        PeriodicCall(final long correlationId, final long caller, final DagDefinition dag, final byte[] args,
            final long periodNs, final long[] times, final long nextNs)
        {
            this.correlationId = correlationId;
            this.caller = caller;
            this.dag = dag;
            this.args = new UnsafeBuffer(args);
            this.periodNs = periodNs;
            this.times = times;
            this.nextNs = nextNs;
        }
    }

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final RegisterFunctionDecoder registerFunctionDecoder = new RegisterFunctionDecoder();
    private final DeleteFunctionDecoder deleteFunctionDecoder = new DeleteFunctionDecoder();
    private final ListFunctionsDecoder listFunctionsDecoder = new ListFunctionsDecoder();
    private final FunctionListEncoder functionListEncoder = new FunctionListEncoder();
    private final RegisterDagDecoder registerDagDecoder = new RegisterDagDecoder();
    private final DeleteDagDecoder deleteDagDecoder = new DeleteDagDecoder();
    private final CallDagDecoder callDagDecoder = new CallDagDecoder();
    private final CallFunctionDecoder callFunctionDecoder = new CallFunctionDecoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();

    private final long[] placed = new long[MAX_STAGES];
    private final int[] sourceArgOffsets = new int[MAX_STAGES];
    private final int[] sourceArgLengths = new int[MAX_STAGES];
    private final UnsafeBuffer message;
    private final UnsafeBuffer emptyArgs = new UnsafeBuffer(new byte[9]);
    private long nextInvocationId;
    private long nextMembershipCheckNs;
    private final SchedulerCounters counters;
    private final DeferredSends deferredSends;
    private final InvocationLog log = new InvocationLog(8192, 1024);
    private final InvocationLog.Visitor rerunner = this::rerun;
    private static final int ROLE_CACHE = 2;
    private static final long DISCOVERY_PERIOD_NS = 1_000_000_000L;
    private static final int ROLE_EXECUTOR = 4;
    private static final int MAX_REFERENCED_KEYS = 16;
    private final Map<String, UnsafeBuffer> summaryByHost = new java.util.HashMap<>();
    private final long[] referencedKeyHashes = new long[MAX_REFERENCED_KEYS];
    private int referencedKeys;
    private final io.droplet.codecs.value.ValueReader argsReader = new io.droplet.codecs.value.ValueReader();
    private final PlacementPolicy.Locality locality = this::keysCachedOn;
    private volatile int liveExecutorCount;

    private final RegistryStore registry;
    /** Finds the deployment's other schedulers through the KVS; null without a registry. */
    private final SchedulerDiscovery discovery;
    /** Host caches that announced themselves, by node: they are introduced to every scheduler discovered. */
    private final org.agrona.collections.Long2ObjectHashMap<String> cacheEndpoints = new org.agrona.collections.Long2ObjectHashMap<>();
    private final Map<String, byte[]> appliedFunctionFrames = new java.util.HashMap<>();
    private final DeleteFunctionEncoder deleteFunctionEncoder = new DeleteFunctionEncoder();
    /** The frame being handled, so a registry miss can park it and handle it again after the lookup. */
    private int frameTemplateId;
    private DirectBuffer frameBuffer;
    private int frameOffset;
    private int frameLength;
    /** Registry lookups already made for the frame being handled (at most two: a DAG, then its functions). */
    private int lookups;
    /** Why the last lookup failed (NONE if it did not): answered instead of "not found". */
    private ErrorCode lookupFailure = ErrorCode.NONE;
    private static final int MAX_LOOKUPS = 2;
    private static final long REPLAY_INTERVAL_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    private static final long MIN_TIMED_RUN_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    private static final long LAST_TIMED_RUN_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /**
     * @param context parts and settings; the agent opens the inbound side of its channels.
     */
    public SchedulerAgent(final SchedulerContext context)
    {
        this.channels = context.channels();
        this.nodeId = channels.nodeId();
        this.placement = context.placement();
        this.executorTimeoutNs = context.executorTimeoutNs();
        this.clock = channels.transport().context().nanoClock();
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(channels.transport().context().maxMessageLength()));
        this.deferredSends = new DeferredSends(channels.peers(), channels.counters(), java.util.concurrent.TimeUnit.SECONDS.toNanos(2), 4096);
        this.errorReplier = new ErrorReplier(channels, deferredSends);
        this.counters = new SchedulerCounters(channels.transport().aeron()::addCounter, "scheduler-" + nodeId);
        // Invocation ids are unique per scheduler: its node id in the high bits, a counter below.
        this.nextInvocationId = (nodeId & 0xFFFFL) << 44;
        emptyArgs.putByte(0, ValueType.LIST.tag());
        this.registry = null == context.registryChannels() ? null : new RegistryStore(
            context.registryChannels(), context.storageNodes(), context.replicationFactor(), context.virtualNodes(),
            nodeId, this::applyEntry);
        this.discovery = null == registry ? null : new SchedulerDiscovery(
            registry, channels.nodeId(), channels.self().toString(), DISCOVERY_PERIOD_NS, this::onSchedulerDiscovered);
        this.inbound = channels.open(this);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = inbound.poll(FRAGMENT_LIMIT);
        if (null != registry)
        {
            work += registry.doWork();
        }
        final long now = clock.nanoTime();
        if (null != discovery)
        {
            work += discovery.doWork(now);
        }
        if (now - nextMembershipCheckNs >= 0)
        {
            nextMembershipCheckNs = now + executorTimeoutNs / 4;
            work += expireSilentExecutors(now);
        }
        if (!periodicCalls.isEmpty())
        {
            work += runDuePeriodicCalls(now);
        }
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
        return liveExecutorCount;
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
        if (null != registry)
        {
            registry.close();
        }
        counters.close();
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        dispatch(templateId, buffer, offset, length, 0, ErrorCode.NONE);
    }

    private void dispatch(
        final int templateId, final DirectBuffer buffer, final int offset, final int length,
        final int lookupsDone, final ErrorCode failure)
    {
        frameTemplateId = templateId;
        frameBuffer = buffer;
        frameOffset = offset;
        frameLength = length;
        lookups = lookupsDone;
        lookupFailure = failure;
        switch (templateId)
        {
            case CallDagDecoder.TEMPLATE_ID:
                onCallDag(buffer, offset);
                break;
            case CallFunctionDecoder.TEMPLATE_ID:
                onCallFunction(buffer, offset);
                break;
            case HeartbeatDecoder.TEMPLATE_ID:
                onHeartbeat(buffer, offset);
                break;
            case ConnectDecoder.TEMPLATE_ID:
                onConnect(buffer, offset);
                break;
            case RegisterFunctionDecoder.TEMPLATE_ID:
                onRegisterFunction(buffer, offset, length);
                break;
            case DeleteFunctionDecoder.TEMPLATE_ID:
                onDeleteFunction(buffer, offset, length);
                break;
            case ListFunctionsDecoder.TEMPLATE_ID:
                onListFunctions(buffer, offset);
                break;
            case RegisterDagDecoder.TEMPLATE_ID:
                onRegisterDag(buffer, offset, length);
                break;
            case DeleteDagDecoder.TEMPLATE_ID:
                onDeleteDag(buffer, offset);
                break;
            case CancelDecoder.TEMPLATE_ID:
                onCancel(buffer, offset);
                break;
            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    // ------------------------------------------------------------------ calls (data path)

    private void onCallDag(final DirectBuffer buffer, final int offset)
    {
        callDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = callDagDecoder.correlationId();
        final long replyTo = callDagDecoder.replyTo();
        final long deadline = callDagDecoder.deadline();
        final CallMode mode = callDagDecoder.mode();
        java.util.Arrays.fill(sourceArgLengths, -1);
        for (final CallDagDecoder.SourceArgsDecoder source : callDagDecoder.sourceArgs())
        {
            final int stage = source.stage();
            final int argsLength = source.argsLength();
            if (stage == ALL_SOURCES)
            {
                java.util.Arrays.fill(sourceArgOffsets, callDagDecoder.limit() + CallDagDecoder.SourceArgsDecoder.argsHeaderLength());
                java.util.Arrays.fill(sourceArgLengths, argsLength);
            }
            else if (stage < MAX_STAGES)
            {
                sourceArgOffsets[stage] = callDagDecoder.limit() + CallDagDecoder.SourceArgsDecoder.argsHeaderLength();
                sourceArgLengths[stage] = argsLength;
            }
            source.skipArgs();
        }
        final int nameLength = callDagDecoder.dagLength();
        final int nameOffset = callDagDecoder.limit() + CallDagDecoder.dagHeaderLength();
        final DagDefinition dag = dags.get(buffer, nameOffset, nameLength);
        if (null == dag)
        {
            final String name = buffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
            if (lookUp(List.of(RegistryStore.DAG_PREFIX + name)))
            {
                return;
            }
            counters.callsRefused.incrementRelease();
            replyMissing(replyTo, correlationId, ErrorCode.NO_SUCH_DAG, "no DAG named " + name);
            return;
        }
        if (lookups == 1 && lookUp(unknownFunctionKeys(dag)))
        {
            // A DAG just read from the registry: learn its functions too before placing it.
            return;
        }
        start(dag, buffer, correlationId, mode == CallMode.NO_RETURN ? 0 : replyTo, replyTo, deadline, 0);
    }

    private void onCallFunction(final DirectBuffer buffer, final int offset)
    {
        callFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = callFunctionDecoder.correlationId();
        final long replyTo = callFunctionDecoder.replyTo();
        final long deadline = callFunctionDecoder.deadline();
        final CallMode mode = callFunctionDecoder.mode();
        final CallFunctionDecoder.TimesDecoder timesGroup = callFunctionDecoder.times();
        long[] times = null;
        if (timesGroup.count() > 0)
        {
            // Control path (PERIOD at given times): allocates.
            times = new long[timesGroup.count()];
            int t = 0;
            for (final CallFunctionDecoder.TimesDecoder time : timesGroup)
            {
                times[t++] = time.at();
            }
            java.util.Arrays.sort(times);
        }
        final int nameLength = callFunctionDecoder.functionLength();
        final int nameOffset = callFunctionDecoder.limit() + CallFunctionDecoder.functionHeaderLength();
        callFunctionDecoder.skipFunction();
        java.util.Arrays.fill(sourceArgLengths, 0, 1, -1);
        sourceArgLengths[0] = callFunctionDecoder.argsLength();
        sourceArgOffsets[0] = callFunctionDecoder.limit() + CallFunctionDecoder.argsHeaderLength();
        final DagDefinition single = functions.get(buffer, nameOffset, nameLength);
        if (null == single)
        {
            if (lookups == 0 &&
                lookUp(List.of(RegistryStore.FUNCTION_PREFIX + buffer.getStringWithoutLengthUtf8(nameOffset, nameLength))))
            {
                return;
            }
            if (mode == CallMode.BROADCAST)
            {
                announceBroadcast(replyTo, correlationId, 0);
            }
            counters.callsRefused.incrementRelease();
            replyMissing(replyTo, correlationId, ErrorCode.FUNCTION_NOT_FOUND,
                "no function named " + buffer.getStringWithoutLengthUtf8(nameOffset, nameLength));
            return;
        }
        if (mode == CallMode.BROADCAST)
        {
            broadcast(single, buffer, correlationId, replyTo, deadline);
        }
        else if (mode == CallMode.PERIOD)
        {
            final long periodNs = callFunctionDecoder.periodNs();
            if (periodNs <= 0 && null == times)
            {
                errorReplier.reply(replyTo, correlationId, ErrorCode.INVALID_ARGUMENT,
                    "a periodic call needs a positive period or given times");
                return;
            }
            final byte[] args = new byte[sourceArgLengths[0]];
            buffer.getBytes(sourceArgOffsets[0], args);
            final PeriodicCall call = new PeriodicCall(correlationId, replyTo, single, args, periodNs, times, clock.nanoTime());
            periodicCalls.put(correlationId, call);
            runDuePeriodicCalls(clock.nanoTime());
        }
        else
        {
            start(single, buffer, correlationId, mode == CallMode.NO_RETURN ? 0 : replyTo, replyTo, deadline, 0);
        }
    }

    /**
     * BROADCAST: every live executor that announced the function runs it; the caller first hears how many.
     */
    private void broadcast(final DagDefinition single, final DirectBuffer args, final long correlationId, final long caller,
        final long deadline)
    {
        int targets = 0;
        for (final ExecutorView executor : liveExecutors)
        {
            targets += executor.hasFunction(single.function(0)) ? 1 : 0;
        }
        if (targets == 0)
        {
            announceBroadcast(caller, correlationId, 0);
            counters.callsRefused.incrementRelease();
            errorReplier.reply(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor has " + single.function(0));
            return;
        }
        announceBroadcast(caller, correlationId, targets);
        for (int i = 0; i < liveExecutors.size(); i++)
        {
            final ExecutorView executor = liveExecutors.get(i);
            if (executor.hasFunction(single.function(0)))
            {
                start(single, args, correlationId, caller, caller, deadline, executor.nodeId());
            }
        }
    }

    /**
     * Tells a BROADCAST caller how many answers to expect. Zero means refused: the typed error follows
     * on the same stream, so the caller can tell it from an executor's error, which may arrive first.
     */
    private void announceBroadcast(final long caller, final long correlationId, final int executors)
    {
        broadcastStartedEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId).executors(executors);
        send(caller, MessageHeaderEncoder.ENCODED_LENGTH + BroadcastStartedEncoder.BLOCK_LENGTH);
    }

    private int runDuePeriodicCalls(final long now)
    {
        int runs = 0;
        final long epochNow = epochClock.nanoTime();
        for (final java.util.Iterator<PeriodicCall> it = periodicCalls.values().iterator(); it.hasNext(); )
        {
            final PeriodicCall call = it.next();
            if (null != call.times)
            {
                // At given times: run each instant once it has come; the deadline is the next instant.
                while (call.nextTime < call.times.length && epochNow - call.times[call.nextTime] >= 0)
                {
                    final int run = call.nextTime++;
                    final long deadline = run + 1 < call.times.length ?
                        Math.max(call.times[run + 1], epochNow + MIN_TIMED_RUN_NS) : epochNow + LAST_TIMED_RUN_NS;
                    sourceArgOffsets[0] = 0;
                    sourceArgLengths[0] = call.args.capacity();
                    start(call.dag, call.args, call.correlationId, call.caller, call.caller, deadline, 0);
                    runs++;
                }
                if (call.nextTime == call.times.length)
                {
                    it.remove();
                }
            }
            else if (now - call.nextNs >= 0)
            {
                sourceArgOffsets[0] = 0;
                sourceArgLengths[0] = call.args.capacity();
                // Each run must finish within its period: that is its deadline.
                start(call.dag, call.args, call.correlationId, call.caller, call.caller, epochNow + call.periodNs, 0);
                call.nextNs = now - call.nextNs > call.periodNs ? now + call.periodNs : call.nextNs + call.periodNs;
                runs++;
            }
        }
        return runs;
    }

    private void onCancel(final DirectBuffer buffer, final int offset)
    {
        cancelDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = cancelDecoder.correlationId();
        final long caller = cancelDecoder.sessionId();
        final PeriodicCall call = periodicCalls.get(correlationId);
        if (null != call && call.caller != caller)
        {
            errorReplier.reply(caller, correlationId, ErrorCode.INVALID_ARGUMENT, "periodic call " + correlationId + " is not yours");
            return;
        }
        // Idempotent: a call that ended (its last given time passed) or was cancelled before is acknowledged too.
        periodicCalls.remove(correlationId);
        replyAck(caller, correlationId);
    }

    /**
     * Places every stage, records the invocation (to re-run it if an executor dies), then sends one
     * trigger per source stage with the whole schedule.
     */
    private void start(
        final DagDefinition dag, final DirectBuffer args, final long correlationId, final long replyTo,
        final long caller, final long deadline, final long forcedExecutor)
    {
        if (deadline != 0 && epochClock.nanoTime() - deadline > 0)
        {
            counters.callsRefused.incrementRelease();
            errorReplier.reply(caller, correlationId, ErrorCode.TIMEOUT, "deadline passed before scheduling");
            return;
        }
        collectReferencedKeys(dag, args);
        if (!place(dag, forcedExecutor, caller, correlationId))
        {
            return;
        }
        final long invocationId = ++nextInvocationId;
        counters.invocationsStarted.incrementRelease();
        if (forcedExecutor == 0)
        {
            // A BROADCAST leg belongs to its executor and is not re-run elsewhere.
            log.record(invocationId, correlationId, replyTo, caller, deadline, 0, dag, placed, args,
                sourceArgOffsets, sourceArgLengths);
        }
        sendTriggers(dag, args, invocationId, correlationId, replyTo, caller, deadline, 0);
    }

    /**
     * Hashes the KVS keys the source stages' arguments reference (top level, at most 16), for placement.
     */
    private void collectReferencedKeys(final DagDefinition dag, final DirectBuffer args)
    {
        referencedKeys = 0;
        if (summaryByHost.isEmpty())
        {
            return;
        }
        for (int s = 0; s < dag.stageCount() && s < MAX_STAGES; s++)
        {
            if (!dag.isSource(s) || sourceArgLengths[s] <= 0)
            {
                continue;
            }
            argsReader.wrap(args, sourceArgOffsets[s], sourceArgLengths[s]);
            if (argsReader.type() != io.droplet.codecs.value.ValueType.LIST)
            {
                continue;
            }
            final int count = argsReader.enterList();
            for (int i = 0; i < count && referencedKeys < MAX_REFERENCED_KEYS; i++)
            {
                if (argsReader.type() == io.droplet.codecs.value.ValueType.REFERENCE)
                {
                    referencedKeyHashes[referencedKeys++] =
                        HashRing.hash(args, argsReader.payloadOffset(), argsReader.payloadLength());
                }
                argsReader.skip();
            }
        }
    }

    private int keysCachedOn(final String host)
    {
        final UnsafeBuffer summary = summaryByHost.get(host);
        if (null == summary)
        {
            return 0;
        }
        int cached = 0;
        for (int i = 0; i < referencedKeys; i++)
        {
            cached += KeySummary.mightContain(summary, 0, summary.capacity(), referencedKeyHashes[i]) ? 1 : 0;
        }
        return cached;
    }

    private boolean place(final DagDefinition dag, final long forcedExecutor, final long caller, final long correlationId)
    {
        final int stages = dag.stageCount();
        for (int s = 0; s < stages; s++)
        {
            final ExecutorView pin = statefulRegistrations.isEmpty() ? null : pinnedExecutor(dag.function(s));
            placed[s] = forcedExecutor != 0 ? forcedExecutor :
                null != pin ? pin.nodeId() :
                placement.place(dag.function(s), liveExecutors, referencedKeys == 0 ? PlacementPolicy.Locality.NONE : locality);
            if (placed[s] == 0)
            {
                counters.callsRefused.incrementRelease();
                errorReplier.reply(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor can run " + dag.function(s));
                return false;
            }
            executors.get(placed[s]).onPlaced();
        }
        return true;
    }

    private void sendTriggers(
        final DagDefinition dag, final DirectBuffer args, final long invocationId, final long correlationId,
        final long replyTo, final long caller, final long deadline, final int attempt)
    {
        final int stages = dag.stageCount();
        for (int s = 0; s < stages; s++)
        {
            if (!dag.isSource(s))
            {
                continue;
            }
            triggerEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .invocationId(invocationId)
                .correlationId(correlationId)
                .replyTo(replyTo)
                .deadline(deadline)
                .targetStage(s)
                .fromStage(s)
                .attempt(attempt);
            final TriggerEncoder.ScheduleEncoder schedule = triggerEncoder.scheduleCount(stages);
            for (int t = 0; t < stages; t++)
            {
                final byte[] function = dag.functionBytes(t);
                schedule.next().executor(placed[t]).putFunction(function, 0, function.length);
            }
            final TriggerEncoder.EdgesEncoder edges = triggerEncoder.edgesCount(dag.edgeCount());
            for (int e = 0; e < dag.edgeCount(); e++)
            {
                edges.next().fromStage(dag.edgeFrom(e)).toStage(dag.edgeTo(e));
            }
            if (s < MAX_STAGES && sourceArgLengths[s] >= 0)
            {
                triggerEncoder.putArgs(args, sourceArgOffsets[s], sourceArgLengths[s]);
            }
            else
            {
                triggerEncoder.putArgs(emptyArgs, 0, emptyArgs.capacity());
            }
            final int status = send(placed[s], MessageHeaderEncoder.ENCODED_LENGTH + triggerEncoder.encodedLength());
            if (status == SendStatus.PAYLOAD_TOO_LARGE || status == SendStatus.UNKNOWN_DESTINATION)
            {
                errorReplier.reply(caller, correlationId,
                    status == SendStatus.PAYLOAD_TOO_LARGE ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.NO_RESOURCES,
                    "could not send to executor " + placed[s] + ": " + SendStatus.name(status));
                return;
            }
            // An executor that cannot be reached now is most likely dead: the invocation is in the log and is
            // re-run when it stops heartbeating, or the caller's deadline answers TIMEOUT.
        }
    }

    /**
     * Runs an invocation again, on live executors, because an executor it was placed on stopped
     * heartbeating. Same invocation and correlation ids, attempt + 1; a duplicate answer is dropped by
     * the client, so the caller sees one outcome.
     */
    private void rerun(final int slot)
    {
        final DagDefinition dag = log.dag(slot);
        final long correlationId = log.correlationId(slot);
        final long caller = log.caller(slot);
        log.forget(slot);
        referencedKeys = 0;
        if (!place(dag, 0, caller, correlationId))
        {
            return;
        }
        for (int s = 0; s < dag.stageCount(); s++)
        {
            sourceArgOffsets[s] = log.argOffset(slot, s);
            sourceArgLengths[s] = log.argLength(slot, s);
        }
        final long invocationId = log.invocationId(slot);
        final int attempt = log.attempt(slot) + 1;
        log.record(invocationId, correlationId, log.replyTo(slot), caller, log.deadline(slot), attempt, dag, placed,
            log.arena(), sourceArgOffsets, sourceArgLengths);
        counters.reruns.incrementRelease();
        sendTriggers(dag, log.arena(), invocationId, correlationId, log.replyTo(slot), caller, log.deadline(slot), attempt);
    }

    // ------------------------------------------------------------------ registry (control path)

    private void onRegisterFunction(final DirectBuffer buffer, final int offset, final int length)
    {
        registerFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = registerFunctionDecoder.correlationId();
        final long caller = registerFunctionDecoder.sessionId();
        final FunctionKind kind = registerFunctionDecoder.kind();
        final String name = registerFunctionDecoder.name();
        if (name.isEmpty())
        {
            errorReplier.reply(caller, correlationId, ErrorCode.INVALID_ARGUMENT, "a function needs a name");
            return;
        }
        if (kind != FunctionKind.LOCAL && kind != FunctionKind.JAVA && kind != FunctionKind.PROCESS &&
            kind != FunctionKind.STATEFUL_CLASS)
        {
            errorReplier.reply(caller, correlationId, ErrorCode.INVALID_ARGUMENT,
                "function kind " + kind + " is not supported yet");
            return;
        }
        if (kind == FunctionKind.STATEFUL_CLASS && liveExecutors.isEmpty())
        {
            errorReplier.reply(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor to pin " + name + " to");
            return;
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        persist(RegistryStore.FUNCTION_PREFIX + name, frame, caller, correlationId, () -> applyFunction(name, frame));
    }

    private void onDeleteFunction(final DirectBuffer buffer, final int offset, final int length)
    {
        deleteFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = deleteFunctionDecoder.correlationId();
        final long caller = deleteFunctionDecoder.sessionId();
        final String name = deleteFunctionDecoder.name();
        final String key = RegistryStore.FUNCTION_PREFIX + name;
        if (null == functions.get(name))
        {
            if (lookups == 0 && lookUp(List.of(key)))
            {
                return;
            }
            replyMissing(caller, correlationId, ErrorCode.FUNCTION_NOT_FOUND, "no function named " + name);
            return;
        }
        persist(key, new byte[0], caller, correlationId, () -> removeFunction(name));
    }

    private void onListFunctions(final DirectBuffer buffer, final int offset)
    {
        listFunctionsDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = listFunctionsDecoder.correlationId();
        final long caller = listFunctionsDecoder.sessionId();
        // A client sees its own namespace only; a node (or anyone, without credentials) sees everything.
        final Principal principal = inbound.principal();
        if (null == registry)
        {
            replyFunctionList(caller, correlationId, principal);
            return;
        }
        // Any scheduler lists the whole registry: the names set first, then every function entry it names.
        registry.read(List.of(RegistryStore.NAMES_KEY), (code, names) ->
        {
            final List<String> keys = new ArrayList<>();
            final Lattice set = names.get(RegistryStore.NAMES_KEY);
            if (null != set)
            {
                for (final String key : RegistryStore.namesOf(set))
                {
                    if (key.startsWith(RegistryStore.FUNCTION_PREFIX))
                    {
                        keys.add(key);
                    }
                }
            }
            registry.read(keys, (entriesCode, entries) ->
            {
                if (code != ErrorCode.NONE || entriesCode != ErrorCode.NONE)
                {
                    errorReplier.reply(caller, correlationId, code != ErrorCode.NONE ? code : entriesCode,
                        "the registry could not be read");
                    return;
                }
                for (final String key : keys)
                {
                    final Lattice entry = entries.get(key);
                    final byte[] frame = null == entry ? null : RegistryStore.frameOf(entry);
                    final String name = key.substring(RegistryStore.FUNCTION_PREFIX.length());
                    if (null == frame)
                    {
                        removeFunction(name);
                    }
                    else
                    {
                        applyFunction(name, frame);
                        registry.subscribe(key);
                    }
                }
                replyFunctionList(caller, correlationId, principal);
            });
        });
    }

    private void replyFunctionList(final long caller, final long correlationId, final Principal principal)
    {
        int visible = 0;
        for (final String name : functionKinds.keySet())
        {
            visible += principal.owns(name) ? 1 : 0;
        }
        functionListEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        final FunctionListEncoder.FunctionsEncoder group = functionListEncoder.functionsCount(visible);
        for (final Map.Entry<String, FunctionKind> entry : functionKinds.entrySet())
        {
            if (principal.owns(entry.getKey()))
            {
                group.next().version(0).kind(entry.getValue()).name(entry.getKey());
            }
        }
        send(caller, MessageHeaderEncoder.ENCODED_LENGTH + functionListEncoder.encodedLength());
    }

    private void onRegisterDag(final DirectBuffer buffer, final int offset, final int length)
    {
        registerDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = registerDagDecoder.correlationId();
        final long caller = registerDagDecoder.sessionId();
        final DagDefinition dag;
        try
        {
            dag = decodeDag(buffer, offset);
        }
        catch (final IllegalArgumentException ex)
        {
            errorReplier.reply(caller, correlationId, ErrorCode.INVALID_ARGUMENT, ex.getMessage());
            return;
        }
        final String name = dag.name();
        if (null == dags.get(name) && lookups == 0)
        {
            final List<String> keys = unknownFunctionKeys(dag);
            keys.add(RegistryStore.DAG_PREFIX + name);
            if (lookUp(keys))
            {
                return;
            }
        }
        if (lookupFailure != ErrorCode.NONE)
        {
            errorReplier.reply(caller, correlationId, lookupFailure, "the registry could not be read: " + lookupFailure);
            return;
        }
        if (null != dags.get(name))
        {
            errorReplier.reply(caller, correlationId, ErrorCode.DAG_ALREADY_EXISTS, "a DAG named " + name + " exists");
            return;
        }
        for (int s = 0; s < dag.stageCount(); s++)
        {
            if (null == functions.get(dag.function(s)))
            {
                errorReplier.reply(caller, correlationId, ErrorCode.FUNCTION_NOT_FOUND,
                    "DAG " + name + " uses unregistered function " + dag.function(s));
                return;
            }
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        persist(RegistryStore.DAG_PREFIX + name, frame, caller, correlationId, () -> dags.put(name, dag));
    }

    /**
     * @return the DAG a RegisterDag frame describes.
     * @throws IllegalArgumentException if it is not a valid DAG (cycle, several sinks, edge out of range).
     */
    private DagDefinition decodeDag(final DirectBuffer buffer, final int offset)
    {
        registerDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final List<String> names = new ArrayList<>();
        for (final RegisterDagDecoder.FunctionsDecoder function : registerDagDecoder.functions())
        {
            names.add(function.function());
        }
        final RegisterDagDecoder.ConnectionsDecoder connections = registerDagDecoder.connections();
        final int[] from = new int[connections.count()];
        final int[] to = new int[connections.count()];
        int e = 0;
        for (final RegisterDagDecoder.ConnectionsDecoder connection : connections)
        {
            from[e] = connection.fromStage();
            to[e] = connection.toStage();
            e++;
        }
        final String name = registerDagDecoder.name();
        try
        {
            return DagDefinition.of(name, names.toArray(new String[0]), from, to);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("DAG " + name + ": " + ex.getMessage(), ex);
        }
    }

    private void onDeleteDag(final DirectBuffer buffer, final int offset)
    {
        deleteDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = deleteDagDecoder.correlationId();
        final long caller = deleteDagDecoder.sessionId();
        final String name = deleteDagDecoder.name();
        final String key = RegistryStore.DAG_PREFIX + name;
        if (null == dags.get(name))
        {
            if (lookups == 0 && lookUp(List.of(key)))
            {
                return;
            }
            replyMissing(caller, correlationId, ErrorCode.NO_SUCH_DAG, "no DAG named " + name);
            return;
        }
        persist(key, new byte[0], caller, correlationId, () -> dags.remove(name));
    }

    // ------------------------------------------------------------------ registry entries

    /**
     * Stores a registry change in the KVS (when the scheduler has one) and, once ALL replicas hold it,
     * applies it here and acknowledges the caller: a registration is visible to every scheduler before
     * its caller hears it succeeded.
     */
    private void persist(final String key, final byte[] frame, final long caller, final long correlationId, final Runnable apply)
    {
        if (null == registry)
        {
            apply.run();
            replyAck(caller, correlationId);
            return;
        }
        registry.write(key, frame, (code, found) ->
        {
            if (code != ErrorCode.NONE)
            {
                errorReplier.reply(caller, correlationId, code, "the registry could not store " + key + ": " + code);
                return;
            }
            apply.run();
            replyAck(caller, correlationId);
        });
    }

    /**
     * Parks the frame being handled while the registry keys are read from the KVS; when they are in,
     * applies what was found and handles the frame again.
     *
     * @return true if parked; false if there is nothing to look up (no KVS, no keys, or looked up enough).
     */
    private boolean lookUp(final List<String> keys)
    {
        if (null == registry || keys.isEmpty() || lookups >= MAX_LOOKUPS)
        {
            return false;
        }
        final int templateId = frameTemplateId;
        final byte[] frame = new byte[frameLength];
        frameBuffer.getBytes(frameOffset, frame);
        final int done = lookups + 1;
        counters.registryLookups.incrementRelease();
        registry.read(keys, (code, found) ->
        {
            found.forEach((key, lattice) ->
            {
                final byte[] entry = RegistryStore.frameOf(lattice);
                if (null != entry)
                {
                    applyEntry(key, entry);
                    registry.subscribe(key);
                }
            });
            dispatch(templateId, new UnsafeBuffer(frame), 0, frame.length, done, code);
        });
        return true;
    }

    private List<String> unknownFunctionKeys(final DagDefinition dag)
    {
        final List<String> keys = new ArrayList<>();
        for (int s = 0; s < dag.stageCount(); s++)
        {
            if (null == functions.get(dag.function(s)))
            {
                keys.add(RegistryStore.FUNCTION_PREFIX + dag.function(s));
            }
        }
        return keys;
    }

    private void replyMissing(final long caller, final long correlationId, final ErrorCode notFound, final String detail)
    {
        if (lookupFailure != ErrorCode.NONE)
        {
            errorReplier.reply(caller, correlationId, lookupFailure, "the registry could not be read: " + lookupFailure);
        }
        else
        {
            errorReplier.reply(caller, correlationId, notFound, detail);
        }
    }

    /**
     * Applies a registry entry read from, or pushed by, the KVS.
     *
     * @param key   registry key.
     * @param frame the registration frame, or null for a deletion.
     */
    private void applyEntry(final String key, final byte[] frame)
    {
        if (key.startsWith(RegistryStore.FUNCTION_PREFIX))
        {
            final String name = key.substring(RegistryStore.FUNCTION_PREFIX.length());
            if (null == frame)
            {
                removeFunction(name);
            }
            else
            {
                applyFunction(name, frame);
            }
        }
        else if (key.startsWith(RegistryStore.DAG_PREFIX))
        {
            final String name = key.substring(RegistryStore.DAG_PREFIX.length());
            if (null == frame)
            {
                dags.remove(name);
                return;
            }
            try
            {
                dags.put(name, decodeDag(new UnsafeBuffer(frame), 0));
            }
            catch (final IllegalArgumentException ex)
            {
                channels.transport().errorHandler().onError(ex);
            }
        }
    }

    /**
     * Makes a registered function callable here: shipped code goes to every live executor (and to those
     * joining later), a stateful class is pinned to one executor. Applying the same registration again
     * changes nothing.
     */
    private void applyFunction(final String name, final byte[] frame)
    {
        if (Arrays.equals(appliedFunctionFrames.get(name), frame))
        {
            return;
        }
        appliedFunctionFrames.put(name, frame);
        registerFunctionDecoder.wrapAndApplyHeader(new UnsafeBuffer(frame), 0, headerDecoder);
        final FunctionKind kind = registerFunctionDecoder.kind();
        shippedRegistrations.remove(name);
        statefulRegistrations.remove(name);
        if (kind == FunctionKind.STATEFUL_CLASS)
        {
            statefulRegistrations.put(name, frame);
            pin(name);
        }
        else if (kind == FunctionKind.JAVA || kind == FunctionKind.PROCESS)
        {
            // Every executor loads it, now and when it joins later; same stream, so it precedes any trigger.
            shippedRegistrations.put(name, frame);
            for (final ExecutorView executor : liveExecutors)
            {
                forward(executor.nodeId(), frame);
                executor.assume(name);
            }
        }
        else if (kind == FunctionKind.LOCAL)
        {
            // A lambda of an in-process node: every executor of the node shares the function table.
            for (final ExecutorView executor : liveExecutors)
            {
                executor.assume(name);
            }
        }
        functions.put(name, DagDefinition.single(name));
        functionKinds.put(name, kind);
    }

    private void removeFunction(final String name)
    {
        appliedFunctionFrames.remove(name);
        if (null == functions.remove(name))
        {
            return;
        }
        functionKinds.remove(name);
        final ExecutorView pinnedTo = pinned.remove(name);
        final boolean stateful = null != statefulRegistrations.remove(name);
        final boolean shipped = null != shippedRegistrations.remove(name);
        if (!stateful && !shipped)
        {
            return;
        }
        deleteFunctionEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(0).sessionId(nodeId).name(name);
        final byte[] frame = new byte[MessageHeaderEncoder.ENCODED_LENGTH + deleteFunctionEncoder.encodedLength()];
        message.getBytes(0, frame);
        if (stateful && null != pinnedTo)
        {
            forward(pinnedTo.nodeId(), frame);
        }
        if (shipped)
        {
            for (final ExecutorView executor : liveExecutors)
            {
                forward(executor.nodeId(), frame);
            }
        }
    }

    // ------------------------------------------------------------------ membership

    private void onConnect(final DirectBuffer buffer, final int offset)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = connectDecoder.correlationId();
        final long client = connectDecoder.clientNode();
        connectDecoder.skipNamespaceName();
        connectDecoder.skipIdentity();
        final String endpoint = connectDecoder.replyEndpoint();
        if (!register(client, endpoint))
        {
            return;
        }
        connectedEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            // A secured node answers an authenticated client with its session token (0 otherwise: the client id).
            .sessionId(0 != inbound.sessionToken() ? inbound.sessionToken() : client)
            .leaseTimeoutNs(executorTimeoutNs);
        send(client, MessageHeaderEncoder.ENCODED_LENGTH + ConnectedEncoder.BLOCK_LENGTH);
        for (final ExecutorView executor : liveExecutors)
        {
            introduce(executor.nodeId(), client, endpoint);
        }
    }

    private void onHeartbeat(final DirectBuffer buffer, final int offset)
    {
        heartbeatDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long node = heartbeatDecoder.node();
        final short roles = heartbeatDecoder.roles();
        final int queueDepth = heartbeatDecoder.queueDepth();
        final Set<String> names = new HashSet<>();
        for (final HeartbeatDecoder.FunctionsDecoder function : heartbeatDecoder.functions())
        {
            names.add(function.name());
        }
        final String endpoint = heartbeatDecoder.endpoint();
        if ((roles & ROLE_EXECUTOR) == 0)
        {
            if ((roles & ROLE_CACHE) != 0)
            {
                // A host cache announcing what it holds: remembered by host, for locality-aware placement.
                final byte[] summary = new byte[heartbeatDecoder.cachedKeySummaryLength()];
                heartbeatDecoder.getCachedKeySummary(summary, 0, summary.length);
                try
                {
                    summaryByHost.put(Endpoint.parse(endpoint).host(), new UnsafeBuffer(summary));
                }
                catch (final IllegalArgumentException ex)
                {
                    channels.transport().errorHandler().onError(ex);
                    return;
                }
                if (null != discovery && !endpoint.equals(cacheEndpoints.get(node)) && register(node, endpoint))
                {
                    // A new host cache: it should announce to every scheduler, not only the ones it was given.
                    cacheEndpoints.put(node, endpoint);
                    discovery.forEach((scheduler, schedulerEndpoint) ->
                        introduce(node, scheduler, schedulerEndpoint, SchedulerDiscovery.SCHEDULER_IDENTITY));
                }
            }
            return;
        }

        ExecutorView executor = executors.get(node);
        final long startedAt = heartbeatDecoder.startedAt();
        if (null != executor && executor.startedAt() != startedAt)
        {
            // Restarted before it was missed: what the old incarnation had is lost; treat it as gone and new.
            expire(executor);
            executor = null;
        }
        if (null == executor)
        {
            if (!register(node, endpoint))
            {
                return;
            }
            executor = new ExecutorView(node, Endpoint.parse(endpoint).host(), startedAt);
            executors.put(node, executor);
            liveExecutors.add(executor);
            liveExecutorCount = liveExecutors.size();
            counters.liveExecutors.setRelease(liveExecutorCount);
            // The newcomer must reach every caller and executor; they must reach it.
            endpoints.forEach((other, otherEndpoint) ->
            {
                if (other != node)
                {
                    introduce(node, other, otherEndpoint);
                }
            });
            for (final ExecutorView other : liveExecutors)
            {
                if (other.nodeId() != node)
                {
                    introduce(other.nodeId(), node, endpoint);
                }
            }
            if (null != discovery)
            {
                // ... and heartbeat to every scheduler of the deployment, not only the ones it was given.
                discovery.forEach((scheduler, schedulerEndpoint) ->
                    introduce(node, scheduler, schedulerEndpoint, SchedulerDiscovery.SCHEDULER_IDENTITY));
            }
            for (final byte[] registration : shippedRegistrations.values())
            {
                forward(node, registration);
            }
        }
        executor.onHeartbeat(clock.nanoTime(), names, queueDepth);
        replayMissingRegistrations(executor, names);
    }

    /**
     * Anti-entropy for shipped code: an executor whose heartbeat still lacks a function it was sent a while
     * ago gets the registration again. A forward can be lost for good when it goes to a restarted process
     * whose link is still held up by its dead predecessor (the driver forgets a dead subscriber only after
     * the client liveness timeout); without this the new process would answer FUNCTION_NOT_FOUND forever.
     */
    private void replayMissingRegistrations(final ExecutorView executor, final Set<String> announced)
    {
        if (shippedRegistrations.isEmpty())
        {
            return;
        }
        final long now = clock.nanoTime();
        if (now - executor.lastReplayNs() < REPLAY_INTERVAL_NS)
        {
            return;
        }
        boolean replayed = false;
        for (final Map.Entry<String, byte[]> registration : shippedRegistrations.entrySet())
        {
            if (!announced.contains(registration.getKey()))
            {
                forward(executor.nodeId(), registration.getValue());
                replayed = true;
            }
        }
        if (replayed)
        {
            counters.registrationReplays.incrementRelease();
        }
        executor.lastReplayNs(now);
    }

    private int expireSilentExecutors(final long now)
    {
        int expired = 0;
        for (int i = liveExecutors.size() - 1; i >= 0; i--)
        {
            final ExecutorView executor = liveExecutors.get(i);
            if (now - executor.lastHeartbeatNs() > executorTimeoutNs)
            {
                // No work is placed on an executor that stopped heartbeating; it rejoins on its next heartbeat.
                expire(executor);
                expired++;
            }
        }
        return expired;
    }

    private void expire(final ExecutorView executor)
    {
        liveExecutors.remove(executor);
        executors.remove(executor.nodeId());
        liveExecutorCount = liveExecutors.size();
        counters.liveExecutors.setRelease(liveExecutorCount);
        counters.executorsExpired.incrementRelease();
        log.forEachInvolving(executor.nodeId(), epochClock.nanoTime(), rerunner);
    }

    private boolean register(final long node, final String endpoint)
    {
        try
        {
            channels.peers().register(node, Endpoint.parse(endpoint));
            endpoints.put(node, endpoint);
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(ex);
            return false;
        }
    }

    private void introduce(final long executor, final long node, final String endpoint)
    {
        introduce(executor, node, endpoint, "");
    }

    /**
     * Another scheduler was found (see {@link SchedulerDiscovery}): every executor and host cache of this one
     * learns of it and heartbeats to it too.
     */
    private void onSchedulerDiscovered(final long scheduler, final String endpoint)
    {
        for (final ExecutorView executor : liveExecutors)
        {
            introduce(executor.nodeId(), scheduler, endpoint, SchedulerDiscovery.SCHEDULER_IDENTITY);
        }
        cacheEndpoints.forEach((cache, cacheEndpoint) ->
            introduce(cache, scheduler, endpoint, SchedulerDiscovery.SCHEDULER_IDENTITY));
    }

    private void introduce(final long executor, final long node, final String endpoint, final String identity)
    {
        connectEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(0)
            .clientNode(node)
            .timestamp(epochClock.nanoTime())
            .namespaceName("")
            .identity(identity)
            .replyEndpoint(endpoint);
        send(executor, MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
    }

    /**
     * @return the executor a stateful function is pinned to, re-pinning it if that executor left; null
     * if the function is not stateful (or no executor is live).
     */
    private ExecutorView pinnedExecutor(final String function)
    {
        if (!statefulRegistrations.containsKey(function))
        {
            return null;
        }
        final ExecutorView current = pinned.get(function);
        return null != current && executors.get(current.nodeId()) == current ? current : pin(function);
    }

    /**
     * Pins a stateful function to one live executor and sends it the registration there only, so
     * exactly one instance exists. The executor is chosen by rendezvous hashing of the function's name
     * over the live executors, so every scheduler with the same view of membership picks the same one.
     */
    private ExecutorView pin(final String function)
    {
        ExecutorView chosen = null;
        long best = 0;
        final long nameHash = function.hashCode() * 0x9E3779B97F4A7C15L;
        for (final ExecutorView executor : liveExecutors)
        {
            final long score = mix(nameHash ^ executor.nodeId()) & Long.MAX_VALUE;
            if (null == chosen || score > best)
            {
                chosen = executor;
                best = score;
            }
        }
        if (null == chosen)
        {
            return null;
        }
        pinned.put(function, chosen);
        forward(chosen.nodeId(), statefulRegistrations.get(function));
        return chosen;
    }

    private static long mix(final long value)
    {
        // SplitMix64's finaliser: spreads nearby executor ids over the whole range.
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void forward(final long executor, final byte[] frame)
    {
        deferredSends.send(executor, new UnsafeBuffer(frame), 0, frame.length, clock.nanoTime());
    }

    private void replyAck(final long caller, final long correlationId)
    {
        ackEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(correlationId);
        send(caller, MessageHeaderEncoder.ENCODED_LENGTH + AckEncoder.BLOCK_LENGTH);
    }

    private int send(final long destination, final int length)
    {
        // Never waits: a link that is not ready (a new executor, a new caller) keeps the message for later tries.
        return deferredSends.send(destination, message, 0, length, clock.nanoTime());
    }
}
