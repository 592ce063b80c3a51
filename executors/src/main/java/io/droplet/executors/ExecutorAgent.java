package io.droplet.executors;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.function.DropletFunction;
import io.droplet.codecs.function.FunctionState;
import io.droplet.transport.security.Namespaces;
import io.droplet.codecs.lattice.LatticeType;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.function.StatefulFunction;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.FunctionMessageDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultEncoder;
import io.droplet.codecs.sbe.TriggerDecoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueRejection;
import io.droplet.codecs.value.ValueType;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.codecs.value.ValueValidator;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.Endpoint;
import io.droplet.transport.Introductions;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.SendStatus;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Runs DAG stages (DESIGN.md section 4, hops 3 and 4): decodes a {@code Trigger} in place, runs the
 * target stage's function, then sends a {@code Trigger} carrying the output and the same schedule to
 * the executor of each child stage, or a {@code Result} to the caller when the stage is the sink.
 * Everything it needs travels with the trigger, so it keeps no per-DAG state, except the partial
 * inputs of fan-in stages, which expire at the invocation's deadline.
 * <p>
 * Failures are values sent to the caller: FUNCTION_NOT_FOUND, EXECUTION_ERROR with the exception's
 * text, TIMEOUT when a trigger arrives after its deadline, PAYLOAD_TOO_LARGE for an oversized result,
 * MALFORMED for a trigger that is inconsistent (a stage or edge out of range). A failing function
 * never stops the agent.
 * <p>
 * <b>Note:</b> an agent: not thread-safe, run by one thread.
 */
public final class ExecutorAgent implements Agent, FrameHandler, AutoCloseable
{
    /** Most stages in one DAG. */
    public static final int MAX_STAGES = 64;
    /** Most edges in one DAG. */
    public static final int MAX_EDGES = 256;

    private static final int FRAGMENT_LIMIT = 64;
    private static final int ROLE_EXECUTOR = 4;
    private static final int MAX_DETAIL = 1000;
    private static final byte[] EMPTY_SUMMARY = new byte[0];

    private final NodeChannels channels;
    private final LocalFunctions functions;
    private final long nodeId;
    /** Schedulers this executor heartbeats to: those it was given, and those introduced to it since. */
    private long[] schedulerNodes;
    private final long heartbeatPeriodNs;
    private final NanoClock clock;
    private final EpochNanoClock epochClock = new SystemEpochNanoClock();
    private final InboundAdapter inbound;
    private final ErrorReplier errorReplier;
    private final byte[] endpointBytes;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TriggerDecoder triggerDecoder = new TriggerDecoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final ResultEncoder resultEncoder = new ResultEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final StageInvocation invocation = new StageInvocation();
    private final FunctionMailbox mailbox;
    private final int payloadLimit;
    private final RegisterFunctionDecoder registerFunctionDecoder = new RegisterFunctionDecoder();
    private final DeleteFunctionDecoder deleteFunctionDecoder = new DeleteFunctionDecoder();
    private final java.util.Map<String, String> registrations = new java.util.HashMap<>();
    private final FunctionLoader loader = new FunctionLoader();
    private final java.util.Map<String, ProcessFunction> processes = new java.util.HashMap<>();
    private static final long PROCESS_TIMEOUT_MS = 10_000;
    private static final int LWW_HEADER = 1 + 8 + 8 + 4;
    private static final long SEND_RETRY_WINDOW_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final long[] stageExecutors = new long[MAX_STAGES];
    private final int[] stageFunctionOffsets = new int[MAX_STAGES];
    private final int[] stageFunctionLengths = new int[MAX_STAGES];
    private final int[] edgeFrom = new int[MAX_EDGES];
    private final int[] edgeTo = new int[MAX_EDGES];
    private final UnsafeBuffer args;
    private final UnsafeBuffer result;
    private final UnsafeBuffer message;
    private final Long2ObjectHashMap<FanIn> fanIns = new Long2ObjectHashMap<>();
    private final ArrayDeque<FanIn> fanInPool = new ArrayDeque<>();

    private final ExecutorCounters counters;
    private final HostCache cache;
    private final long cacheNode;
    private final Long2ObjectHashMap<ParkedTrigger> parked = new Long2ObjectHashMap<>();
    private final ValueReader refReader = new ValueReader();
    private final ValueWriter refWriter = new ValueWriter();
    private final UnsafeBuffer refValue;
    private final UnsafeBuffer refKey = new UnsafeBuffer(0, 0);
    private final KvsGetEncoder cacheGetEncoder = new KvsGetEncoder();
    private final KvsGetResponseDecoder cacheResponseDecoder = new KvsGetResponseDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private long nextParkId = 1;
    private final DeferredSends deferredSends;
    private final UnsafeBuffer stateValue;
    private final UnsafeBuffer statePut;
    private final KvsPutEncoder statePutEncoder = new KvsPutEncoder();

    /**
     * The KVS from inside a function: reads answer from the host cache only; puts go, as LWW values, to
     * the cache agent, which updates the host cache and forwards them to the key's primary replica.
     */
    private final class ExecutorState implements FunctionState
    {
        public boolean read(final DirectBuffer key, final int offset, final int length, final ValueWriter out)
        {
            if (null == cache || !inStageNamespace(key, offset, length))
            {
                return false;
            }
            final int valueLength = cache.get(key, offset, length, stateValue, 0);
            if (valueLength >= 0)
            {
                ReferenceView.write(stateValue, 0, valueLength, out);
                return true;
            }
            // Correlation 0: the cache agent's answer is ignored; the key will be cached for a later call.
            refKey.wrap(key, offset, length);
            cacheGetEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(0).replyTo(nodeId)
                .putKey(refKey, 0, length);
            send(cacheNode, MessageHeaderEncoder.ENCODED_LENGTH + cacheGetEncoder.encodedLength());
            return false;
        }

        public void putValue(
            final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer value, final int valueOffset, final int valueLength)
        {
            if (null == cache || LWW_HEADER + valueLength > statePut.capacity())
            {
                counters.undeliverable.incrementRelease();
                return;
            }
            if (!inStageNamespace(key, keyOffset, keyLength))
            {
                stageKeyRefused = true;
                return;
            }
            statePut.putByte(0, LatticeType.LWW.tag());
            statePut.putLong(1, epochClock.nanoTime(), LITTLE_ENDIAN);
            statePut.putLong(9, nodeId, LITTLE_ENDIAN);
            statePut.putInt(17, valueLength, LITTLE_ENDIAN);
            statePut.putBytes(LWW_HEADER, value, valueOffset, valueLength);
            sendPut(key, keyOffset, keyLength, statePut, 0, LWW_HEADER + valueLength);
        }

        public void merge(
            final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
        {
            if (null == cache)
            {
                counters.undeliverable.incrementRelease();
                return;
            }
            if (!inStageNamespace(key, keyOffset, keyLength))
            {
                stageKeyRefused = true;
                return;
            }
            sendPut(key, keyOffset, keyLength, lattice, latticeOffset, latticeLength);
        }

        private void sendPut(
            final DirectBuffer key, final int keyOffset, final int keyLength,
            final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
        {
            final long putId = nextPutId++;
            refKey.wrap(key, keyOffset, keyLength);
            statePutEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .correlationId(putId)
                .replyTo(nodeId)
                .ack(AckLevel.ONE)
                .putKey(refKey, 0, keyLength)
                .putValue(lattice, latticeOffset, latticeLength);
            if (send(cacheNode, MessageHeaderEncoder.ENCODED_LENGTH + statePutEncoder.encodedLength()) == SendStatus.OK)
            {
                stagePutIds.addLong(putId);
            }
            else
            {
                stagePutFailed = true;
            }
        }
    }

    /** A stage's outputs, held until the writes it made are acknowledged (output commit). */
    private static final class HeldOutputs
    {
        final long replyTo;
        final long correlationId;
        final long deadlineNs;
        final List<long[]> destinations = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        int outstanding;
        ErrorCode failure = ErrorCode.NONE;

        HeldOutputs(final long replyTo, final long correlationId, final long deadlineNs)
        {
            this.replyTo = replyTo;
            this.correlationId = correlationId;
            this.deadlineNs = deadlineNs;
        }
    }

    private long nextPutId = 1;
    private final org.agrona.collections.LongArrayList stagePutIds = new org.agrona.collections.LongArrayList();
    private boolean stagePutFailed;
    /** The running stage named a key outside its function's namespace: its output is withheld. */
    private boolean stageKeyRefused;
    /** In a secured deployment, a function reaches only keys of its own namespace (see {@link #inStageNamespace}). */
    private final boolean namespaced;
    /** {@code namespace/} of the function being run, or length 0 for a function named without one. */
    private final UnsafeBuffer stagePrefix = new UnsafeBuffer(new byte[80]);
    private int stagePrefixLength;
    private HeldOutputs holding;
    private final Long2ObjectHashMap<HeldOutputs> heldByPut = new Long2ObjectHashMap<>();
    private final List<HeldOutputs> held = new ArrayList<>();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    /** Tells this incarnation from an earlier one with the same node id (a restart). */
    private final long startedAt = System.currentTimeMillis() * 1_000_000L + (System.nanoTime() & 0xFFFFF);

    /** A trigger waiting for the host cache to fetch a referenced key. */
    private record ParkedTrigger(byte[] frame, long deadline)
    {
    }
    private long nextHeartbeatNs;
    private long nextFanInSweepNs;

    /**
     * @param context parts and settings; the agent opens the inbound side of its channels.
     */
    public ExecutorAgent(final ExecutorContext context)
    {
        this.channels = context.channels();
        final io.droplet.transport.security.CredentialsFile credentials = channels.transport().context().credentials();
        this.namespaced = null != credentials && null != credentials.deploymentKey();
        this.functions = context.functions();
        this.nodeId = channels.nodeId();
        this.schedulerNodes = new long[context.schedulers().size()];
        final int[] index = {0};
        context.schedulers().forEach((scheduler, endpoint) ->
        {
            schedulerNodes[index[0]++] = scheduler;
            channels.peers().register(scheduler, endpoint);
        });
        this.heartbeatPeriodNs = context.heartbeatPeriodNs();
        this.clock = channels.transport().context().nanoClock();
        this.endpointBytes = channels.self().toString().getBytes(StandardCharsets.US_ASCII);
        final int maxMessage = channels.transport().context().maxMessageLength();
        this.args = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.result = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.deferredSends = new DeferredSends(channels.peers(), channels.counters(), SEND_RETRY_WINDOW_NS, 4096);
        this.errorReplier = new ErrorReplier(channels, deferredSends);
        this.counters = new ExecutorCounters(channels.transport().aeron()::addCounter, "executor-" + nodeId);
        this.cache = context.cache();
        this.cacheNode = context.cacheNode();
        this.refValue = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.stateValue = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage));
        this.statePut = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessage / 2));
        invocation.state(new ExecutorState());
        this.mailbox = new FunctionMailbox(nodeId, deferredSends, clock, counters, maxMessage);
        this.payloadLimit = channels.transport().context().maxPayloadLength();
        invocation.mailbox(mailbox);
        if (null != cache)
        {
            channels.peers().register(cacheNode, context.cacheEndpoint());
        }
        this.nextHeartbeatNs = clock.nanoTime();
        this.inbound = channels.open(this);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = inbound.poll(FRAGMENT_LIMIT);
        final long now = clock.nanoTime();
        if (deferredSends.size() > 0)
        {
            work += deferredSends.retry(now);
        }
        if (now - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = now + heartbeatPeriodNs;
            work += heartbeat();
        }
        if ((!fanIns.isEmpty() || !parked.isEmpty() || !held.isEmpty()) && now - nextFanInSweepNs >= 0)
        {
            nextFanInSweepNs = now + heartbeatPeriodNs;
            work += sweepExpiredFanIns();
            work += held.isEmpty() ? 0 : expireHeldOutputs(epochClock.nanoTime());
            counters.fanInsWaiting.setRelease(fanIns.size() + parked.size());
        }
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
     * Releases the class loaders of shipped functions.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(processes.values());
        CloseHelper.quietCloseAll(loader, counters);
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
     * @return outputs that could not be sent (unknown or unreachable destination).
     */
    public long undeliverable()
    {
        return counters.undeliverable.get();
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId == TriggerDecoder.TEMPLATE_ID)
        {
            onTrigger(buffer, offset, false);
        }
        else if (templateId == KvsGetResponseDecoder.TEMPLATE_ID)
        {
            onCacheAnswer(buffer, offset);
        }
        else if (templateId == ErrorDecoder.TEMPLATE_ID)
        {
            onCacheError(buffer, offset);
        }
        else if (templateId == KvsPutResponseDecoder.TEMPLATE_ID)
        {
            onPutResponse(buffer, offset);
        }
        else if (templateId == FunctionMessageDecoder.TEMPLATE_ID)
        {
            mailbox.onMessage(buffer, offset);
        }
        else if (templateId == ConnectDecoder.TEMPLATE_ID)
        {
            onIntroduction(buffer, offset);
        }
        else if (templateId == RegisterFunctionDecoder.TEMPLATE_ID)
        {
            onRegisterFunction(buffer, offset);
        }
        else if (templateId == DeleteFunctionDecoder.TEMPLATE_ID)
        {
            deleteFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            final String name = deleteFunctionDecoder.name();
            registrations.remove(name);
            functions.remove(name);
            loader.unload(name);
            CloseHelper.quietClose(processes.remove(name));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplier.replyToRejected(rejection, buffer, offset, length);
    }

    /**
     * The scheduler introduces the nodes an executor must be able to reach: callers and other executors.
     */
    private void onIntroduction(final DirectBuffer buffer, final int offset)
    {
        connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long node = connectDecoder.clientNode();
        connectDecoder.skipNamespaceName();
        final boolean scheduler = Introductions.SCHEDULER_IDENTITY.equals(connectDecoder.identity());
        try
        {
            channels.peers().register(node, Endpoint.parse(connectDecoder.replyEndpoint()));
        }
        catch (final IllegalArgumentException ex)
        {
            channels.transport().errorHandler().onError(ex);
            return;
        }
        if (scheduler && !containsScheduler(node))
        {
            // Another scheduler of the deployment, found by one we know: heartbeat to it as well.
            schedulerNodes = java.util.Arrays.copyOf(schedulerNodes, schedulerNodes.length + 1);
            schedulerNodes[schedulerNodes.length - 1] = node;
        }
    }

    private boolean containsScheduler(final long node)
    {
        for (final long scheduler : schedulerNodes)
        {
            if (scheduler == node)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A function registered by class, forwarded by the scheduler: load it and make it runnable here.
     */
    private void onRegisterFunction(final DirectBuffer buffer, final int offset)
    {
        registerFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        // Each scheduler of a deployment forwards a registration it learns of: the same registration
        // (same caller, correlation and version) is loaded once, so a stateful instance keeps its state.
        final String identity = registerFunctionDecoder.sessionId() + ":" + registerFunctionDecoder.correlationId() + ":" +
            registerFunctionDecoder.version();
        final long version = registerFunctionDecoder.version();
        final FunctionKind kind = registerFunctionDecoder.kind();
        final String name = registerFunctionDecoder.name();
        if (identity.equals(registrations.get(name)))
        {
            return;
        }
        registrations.put(name, identity);
        final String className = registerFunctionDecoder.entryPoint();
        final byte[] code = new byte[registerFunctionDecoder.codeLength()];
        registerFunctionDecoder.getCode(code, 0, code.length);
        if (kind == FunctionKind.PROCESS)
        {
            try
            {
                final ProcessFunction function = new ProcessFunction(name, ProcessFunction.parseCommand(className), PROCESS_TIMEOUT_MS);
                final ProcessFunction previous = processes.put(name, function);
                CloseHelper.quietClose(previous);
                functions.install(name, function);
            }
            catch (final IllegalArgumentException ex)
            {
                channels.transport().errorHandler().onError(ex);
            }
            return;
        }
        if (kind != FunctionKind.JAVA && kind != FunctionKind.STATEFUL_CLASS)
        {
            return;
        }
        try
        {
            final DropletFunction function = loader.load(name, className, code, version);
            if (function instanceof StatefulFunction)
            {
                ((StatefulFunction)function).init();
            }
            functions.install(name, function);
        }
        catch (final Exception ex)
        {
            // Calls of it will get FUNCTION_NOT_FOUND naming this executor; the reason is in the error log.
            channels.transport().errorHandler().onError(ex);
        }
    }

    /**
     * The cache agent answered a miss: run the parked trigger again (an absent key now reads as null).
     */
    private void onCacheAnswer(final DirectBuffer buffer, final int offset)
    {
        cacheResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final ParkedTrigger trigger = parked.remove(cacheResponseDecoder.correlationId());
        if (null != trigger)
        {
            final boolean found = cacheResponseDecoder.code() == ErrorCode.NONE;
            onTrigger(new UnsafeBuffer(trigger.frame()), 0, !found);
        }
    }

    private void onCacheError(final DirectBuffer buffer, final int offset)
    {
        errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final ParkedTrigger trigger = parked.remove(errorDecoder.correlationId());
        if (null != trigger)
        {
            final ErrorCode code = errorDecoder.code();
            triggerDecoder.wrapAndApplyHeader(new UnsafeBuffer(trigger.frame()), 0, headerDecoder);
            fail(triggerDecoder.replyTo(), triggerDecoder.correlationId(), code, "a referenced key could not be fetched");
        }
    }

    /**
     * Notes the namespace of the function about to run (the part of its name up to and including the first
     * {@code /}), in a secured deployment only; no allocation.
     */
    private void stageNamespace(final DirectBuffer name, final int offset, final int length)
    {
        stagePrefixLength = 0;
        if (!namespaced)
        {
            return;
        }
        for (int i = 0; i < length && i < stagePrefix.capacity(); i++)
        {
            if (name.getByte(offset + i) == (byte)Namespaces.SEPARATOR)
            {
                stagePrefix.putBytes(0, name, offset, i + 1);
                stagePrefixLength = i + 1;
                return;
            }
        }
    }

    /**
     * A function of a namespace reaches the keys of that namespace only, through its state and through the
     * references in its arguments: clients are checked at the nodes' door, functions here.
     *
     * @return true if the key may be read or written by the running function.
     */
    private boolean inStageNamespace(final DirectBuffer key, final int offset, final int length)
    {
        if (0 == stagePrefixLength)
        {
            return true;
        }
        if (length > stagePrefixLength)
        {
            boolean same = true;
            for (int i = 0; i < stagePrefixLength && same; i++)
            {
                same = key.getByte(offset + i) == stagePrefix.getByte(i);
            }
            if (same)
            {
                return true;
            }
        }
        counters.keysRefused.incrementRelease();
        return false;
    }

    /**
     * Rewrites a source stage's arguments with every KVS reference replaced by the referenced value, read
     * from the host cache; references nested in lists and maps are resolved too.
     *
     * @return the length of the rewritten arguments in {@code args}; 0 if there were no references (use
     * the arguments as they are); -1 if the trigger was parked for a miss; -2 if they do not fit; -3 if a
     * reference names a key outside the function's namespace.
     */
    private int resolveReferences(
        final DirectBuffer buffer, final int offset, final int length, final int frameOffset, final int frameLength,
        final long deadline, final boolean absentIsNull)
    {
        refReader.wrap(buffer, offset, length);
        if (!containsReference())
        {
            return 0;
        }
        refReader.wrap(buffer, offset, length);
        refWriter.wrap(args, 0, args.capacity());
        final int outcome = copyResolving(buffer, frameOffset, frameLength, deadline, absentIsNull);
        if (outcome < 0)
        {
            return outcome;
        }
        final int written = refWriter.encodedLength();
        return written < 0 || refWriter.overflowed() ? -2 : written;
    }

    /**
     * Reads one value (with everything inside it).
     *
     * @return true if it is or holds a reference.
     */
    private boolean containsReference()
    {
        final ValueType type = refReader.type();
        if (type == ValueType.LIST || type == ValueType.MAP)
        {
            final int values = type == ValueType.LIST ? refReader.enterList() : 2 * refReader.enterMap();
            boolean any = false;
            for (int i = 0; i < values; i++)
            {
                any |= containsReference();
            }
            return any;
        }
        refReader.skip();
        return type == ValueType.REFERENCE;
    }

    /**
     * Copies one value from {@code refReader} to {@code refWriter}, replacing references by their values.
     *
     * @return 0, or -1 if a referenced key is not cached and the trigger was parked, or -3 if it is outside the
     * function's namespace.
     */
    private int copyResolving(
        final DirectBuffer buffer, final int frameOffset, final int frameLength, final long deadline, final boolean absentIsNull)
    {
        final int start = refReader.position();
        final ValueType type = refReader.type();
        if (type == ValueType.REFERENCE)
        {
            final int keyOffset = refReader.payloadOffset();
            final int keyLength = refReader.payloadLength();
            if (!inStageNamespace(buffer, keyOffset, keyLength))
            {
                return -3;
            }
            final int valueLength = cache.get(buffer, keyOffset, keyLength, refValue, 0);
            if (valueLength >= 0)
            {
                ReferenceView.write(refValue, 0, valueLength, refWriter);
            }
            else if (absentIsNull)
            {
                refWriter.writeNull();
            }
            else
            {
                park(buffer, frameOffset, frameLength, deadline, keyOffset, keyLength);
                return -1;
            }
            refReader.skip();
            return 0;
        }
        if (type == ValueType.LIST || type == ValueType.MAP)
        {
            final boolean list = type == ValueType.LIST;
            final int count = list ? refReader.enterList() : refReader.enterMap();
            if (list)
            {
                refWriter.beginList(count);
            }
            else
            {
                refWriter.beginMap(count);
            }
            for (int i = 0, values = list ? count : 2 * count; i < values; i++)
            {
                final int outcome = copyResolving(buffer, frameOffset, frameLength, deadline, absentIsNull);
                if (outcome < 0)
                {
                    return outcome;
                }
            }
            if (list)
            {
                refWriter.endList();
            }
            else
            {
                refWriter.endMap();
            }
            return 0;
        }
        refReader.skip();
        refWriter.writeEncoded(buffer, start, refReader.position() - start);
        return 0;
    }

    private void park(
        final DirectBuffer buffer, final int frameOffset, final int frameLength, final long deadline,
        final int keyOffset, final int keyLength)
    {
        final long parkId = nextParkId++;
        final byte[] frame = new byte[frameLength];
        buffer.getBytes(frameOffset, frame);
        parked.put(parkId, new ParkedTrigger(frame, deadline));
        refKey.wrap(buffer, keyOffset, keyLength);
        cacheGetEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(parkId)
            .replyTo(nodeId)
            .putKey(refKey, 0, keyLength);
        send(cacheNode, MessageHeaderEncoder.ENCODED_LENGTH + cacheGetEncoder.encodedLength());
    }

    private void onTrigger(final DirectBuffer buffer, final int offset, final boolean absentIsNull)
    {
        triggerDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long invocationId = triggerDecoder.invocationId();
        final long correlationId = triggerDecoder.correlationId();
        final long replyTo = triggerDecoder.replyTo();
        final long deadline = triggerDecoder.deadline();
        final int target = triggerDecoder.targetStage();
        final int from = triggerDecoder.fromStage();
        final int attempt = triggerDecoder.attempt();

        int stages = 0;
        for (final TriggerDecoder.ScheduleDecoder stage : triggerDecoder.schedule())
        {
            if (stages == MAX_STAGES)
            {
                fail(replyTo, correlationId, ErrorCode.MALFORMED, "more than " + MAX_STAGES + " stages");
                return;
            }
            stageExecutors[stages] = stage.executor();
            stageFunctionLengths[stages] = stage.functionLength();
            stageFunctionOffsets[stages] = triggerDecoder.limit() + TriggerDecoder.ScheduleDecoder.functionHeaderLength();
            stage.skipFunction();
            stages++;
        }
        int edges = 0;
        for (final TriggerDecoder.EdgesDecoder edge : triggerDecoder.edges())
        {
            if (edges == MAX_EDGES)
            {
                fail(replyTo, correlationId, ErrorCode.MALFORMED, "more than " + MAX_EDGES + " edges");
                return;
            }
            edgeFrom[edges] = edge.fromStage();
            edgeTo[edges] = edge.toStage();
            if (edgeFrom[edges] >= stages || edgeTo[edges] >= stages)
            {
                fail(replyTo, correlationId, ErrorCode.MALFORMED, "edge to a stage that is not scheduled");
                return;
            }
            edges++;
        }
        final int inputLength = triggerDecoder.argsLength();
        final int inputOffset = triggerDecoder.limit() + TriggerDecoder.argsHeaderLength();

        if (target >= stages)
        {
            fail(replyTo, correlationId, ErrorCode.MALFORMED, "target stage is not scheduled");
            return;
        }
        if (deadline != 0 && epochClock.nanoTime() - deadline > 0)
        {
            fail(replyTo, correlationId, ErrorCode.TIMEOUT, "deadline passed before stage " + target + " ran");
            return;
        }
        if (ValueValidator.validate(buffer, inputOffset, inputLength, ValueValidator.DEFAULT_MAX_DEPTH) != ValueRejection.NONE)
        {
            fail(replyTo, correlationId, ErrorCode.MALFORMED, "arguments are not a valid value");
            return;
        }
        final DropletFunction function = functions.lookup(buffer, stageFunctionOffsets[target], stageFunctionLengths[target]);
        if (null == function)
        {
            fail(replyTo, correlationId, ErrorCode.FUNCTION_NOT_FOUND,
                "no function " + buffer.getStringWithoutLengthUtf8(stageFunctionOffsets[target], stageFunctionLengths[target]) +
                " on executor " + nodeId);
            return;
        }

        stageNamespace(buffer, stageFunctionOffsets[target], stageFunctionLengths[target]);

        // Arguments: the caller's LIST for a source stage; otherwise the parents' outputs, in stage order.
        final int parents = countParents(target, edges);
        final DirectBuffer argsBuffer;
        final int argsLength;
        if (parents == 0)
        {
            final int resolved = null == cache ? 0 :
                // The arguments end the trigger, so the frame runs from its offset to their end.
                resolveReferences(buffer, inputOffset, inputLength, offset, inputOffset + inputLength - offset, deadline, absentIsNull);
            if (resolved == -1)
            {
                return;
            }
            if (resolved == -2)
            {
                fail(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "resolved references exceed the message limit");
                return;
            }
            if (resolved == -3)
            {
                counters.keysRefused.incrementRelease();
                fail(replyTo, correlationId, ErrorCode.FORBIDDEN, "a reference names a key outside the function's namespace");
                return;
            }
            argsBuffer = resolved > 0 ? args : buffer;
            argsLength = resolved > 0 ? resolved : inputLength;
        }
        else if (parents == 1)
        {
            args.putByte(0, io.droplet.codecs.value.ValueType.LIST.tag());
            args.putInt(1, 1, LITTLE_ENDIAN);
            args.putInt(5, inputLength, LITTLE_ENDIAN);
            args.putBytes(9, buffer, inputOffset, inputLength);
            argsBuffer = args;
            argsLength = 9 + inputLength;
        }
        else
        {
            argsLength = collectFanIn(invocationId, target, from, parents, edges, deadline, buffer, inputOffset, inputLength);
            if (argsLength == 0)
            {
                return;
            }
            if (argsLength < 0)
            {
                fail(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "fan-in arguments exceed the message limit");
                return;
            }
            argsBuffer = args;
        }
        final int argsOffset = argsBuffer == buffer ? inputOffset : 0;

        // A result may be as large as the payload limit: the messages that carry it keep room for the rest.
        invocation.wrap(argsBuffer, argsOffset, argsLength, result, payloadLimit, invocationId, target);
        mailbox.invocation(invocationId);
        stagePutIds.clear();
        stagePutFailed = false;
        stageKeyRefused = false;
        try
        {
            function.apply(invocation);
        }
        catch (final Throwable ex)
        {
            final String text = String.valueOf(ex);
            fail(replyTo, correlationId, ErrorCode.EXECUTION_ERROR, text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) : text);
            return;
        }
        int resultLength = invocation.result().encodedLength();
        if (resultLength < 0)
        {
            fail(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE,
                "result larger than the payload limit of " + payloadLimit + " bytes, or a list or map not closed");
            return;
        }
        if (resultLength == 0)
        {
            // A function that writes nothing returns null.
            resultLength = invocation.result().wrap(result, 0, result.capacity()).writeNull().encodedLength();
        }
        counters.stagesRun.incrementRelease();
        if (stageKeyRefused)
        {
            fail(replyTo, correlationId, ErrorCode.FORBIDDEN, "stage " + target + " wrote a key outside its function's namespace");
            return;
        }
        if (stagePutFailed)
        {
            fail(replyTo, correlationId, ErrorCode.NOT_CONNECTED, "a write of stage " + target + " could not reach the host cache");
            return;
        }
        if (!stagePutIds.isEmpty())
        {
            // Output commit: what this stage sends waits for its writes to be acknowledged.
            holding = new HeldOutputs(replyTo, correlationId, deadline);
            holding.outstanding = stagePutIds.size();
            for (int i = 0; i < stagePutIds.size(); i++)
            {
                heldByPut.put(stagePutIds.getLong(i), holding);
            }
            held.add(holding);
        }
        try
        {
            sendOutputs(buffer, stages, edges, invocationId, correlationId, replyTo, deadline, target, attempt, resultLength);
        }
        finally
        {
            holding = null;
        }
    }

    private void sendOutputs(
        final DirectBuffer buffer, final int stages, final int edges, final long invocationId, final long correlationId,
        final long replyTo, final long deadline, final int target, final int attempt, final int resultLength)
    {
        boolean sink = true;
        for (int e = 0; e < edges; e++)
        {
            if (edgeFrom[e] == target)
            {
                sink = false;
                forward(buffer, stages, edges, invocationId, correlationId, replyTo, deadline, edgeTo[e], target, attempt,
                    resultLength);
            }
        }
        if (sink && replyTo != 0)
        {
            resultEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .correlationId(correlationId)
                .invocationId(invocationId)
                .executor(nodeId)
                .putValue(result, 0, resultLength);
            send(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + resultEncoder.encodedLength());
        }
    }

    private int countParents(final int target, final int edges)
    {
        int parents = 0;
        for (int e = 0; e < edges; e++)
        {
            if (edgeTo[e] == target)
            {
                parents++;
            }
        }
        return parents;
    }

    /**
     * Stores one parent's output of a fan-in stage.
     *
     * @return the length of the assembled arguments in {@code args} when every parent has arrived, 0 while
     * waiting, -1 if they do not fit.
     */
    private int collectFanIn(
        final long invocationId, final int target, final int from, final int parents, final int edges,
        final long deadline, final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = 0;
        for (int e = 0; e < edges; e++)
        {
            if (edgeTo[e] == target && edgeFrom[e] < from)
            {
                slot++;
            }
        }
        final long key = invocationId * MAX_STAGES + target;
        FanIn fanIn = fanIns.get(key);
        if (null == fanIn)
        {
            fanIn = fanInPool.isEmpty() ? new FanIn() : fanInPool.pollFirst();
            fanIn.reset(parents, deadline);
            fanIns.put(key, fanIn);
        }
        if (!fanIn.store(slot, buffer, offset, length))
        {
            return 0;
        }
        fanIns.remove(key);
        fanInPool.addLast(fanIn);
        return fanIn.writeArgs(args, args.capacity());
    }

    private int sweepExpiredFanIns()
    {
        final long now = epochClock.nanoTime();
        int swept = 0;
        for (final Long2ObjectHashMap<ParkedTrigger>.ValueIterator iterator = parked.values().iterator(); iterator.hasNext(); )
        {
            final ParkedTrigger trigger = iterator.next();
            if (trigger.deadline() != 0 && now - trigger.deadline() > 0)
            {
                iterator.remove();
                triggerDecoder.wrapAndApplyHeader(new UnsafeBuffer(trigger.frame()), 0, headerDecoder);
                fail(triggerDecoder.replyTo(), triggerDecoder.correlationId(), ErrorCode.TIMEOUT, "a referenced key was not fetched in time");
                swept++;
            }
        }
        for (final Long2ObjectHashMap<FanIn>.ValueIterator iterator = fanIns.values().iterator(); iterator.hasNext(); )
        {
            final FanIn fanIn = iterator.next();
            // A parent failed or its executor died: the caller has its error or TIMEOUT; drop the partial state.
            if (fanIn.deadline != 0 && now - fanIn.deadline > 0)
            {
                iterator.remove();
                fanInPool.addLast(fanIn);
                swept++;
            }
        }
        return swept;
    }

    private void forward(
        final DirectBuffer inbound, final int stages, final int edges,
        final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int child, final int target, final int attempt, final int resultLength)
    {
        triggerEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .invocationId(invocationId)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .deadline(deadline)
            .targetStage(child)
            .fromStage(target)
            .attempt(attempt);
        final TriggerEncoder.ScheduleEncoder schedule = triggerEncoder.scheduleCount(stages);
        for (int s = 0; s < stages; s++)
        {
            schedule.next().executor(stageExecutors[s]).putFunction(inbound, stageFunctionOffsets[s], stageFunctionLengths[s]);
        }
        final TriggerEncoder.EdgesEncoder edgesEncoder = triggerEncoder.edgesCount(edges);
        for (int e = 0; e < edges; e++)
        {
            edgesEncoder.next().fromStage(edgeFrom[e]).toStage(edgeTo[e]);
        }
        triggerEncoder.putArgs(result, 0, resultLength);
        final int status = send(stageExecutors[child], MessageHeaderEncoder.ENCODED_LENGTH + triggerEncoder.encodedLength());
        if (status == SendStatus.PAYLOAD_TOO_LARGE)
        {
            fail(replyTo, correlationId, ErrorCode.PAYLOAD_TOO_LARGE, "the output of stage " + target + " exceeds the message limit");
        }
        // Any other failure means the next executor is unreachable, most likely dead: the scheduler re-runs
        // the invocation when that executor stops heartbeating, or the caller's deadline answers TIMEOUT.
        // Answering an error here would pre-empt the re-run's result.
    }

    private int heartbeat()
    {
        final List<byte[]> names = functions.names();
        heartbeatEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .node(nodeId)
            .timestamp(epochClock.nanoTime())
            .roles((short)ROLE_EXECUTOR)
            .utilisationPerMille(0)
            .queueDepth(fanIns.size())
            .inFlight(0)
            .startedAt(startedAt);
        final HeartbeatEncoder.FunctionsEncoder group = heartbeatEncoder.functionsCount(names.size());
        for (int i = 0; i < names.size(); i++)
        {
            final byte[] name = names.get(i);
            group.next().putName(name, 0, name.length);
        }
        heartbeatEncoder.putEndpoint(endpointBytes, 0, endpointBytes.length)
            .putCachedKeySummary(EMPTY_SUMMARY, 0, 0);
        // A heartbeat that cannot go now is not kept: the next one, 100 ms later, supersedes it.
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength();
        int sent = 0;
        for (final long scheduler : schedulerNodes)
        {
            final MessagePublisher publisher = channels.peers().publisher(scheduler);
            sent += null != publisher && publisher.offer(message, 0, length, clock.nanoTime()) == SendStatus.OK ? 1 : 0;
        }
        if (null != cache)
        {
            // The host's cache agent learns where to answer this executor from its heartbeats.
            final MessagePublisher publisher = channels.peers().publisher(cacheNode);
            sent += null != publisher && publisher.offer(message, 0, length, clock.nanoTime()) == SendStatus.OK ? 1 : 0;
        }
        return sent;
    }

    private void fail(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        counters.stagesFailed.incrementRelease();
        if (replyTo != 0 && errorReplier.reply(replyTo, correlationId, code, detail) != SendStatus.OK)
        {
            counters.undeliverable.incrementRelease();
        }
    }

    /**
     * The host cache acknowledged (or refused) a function's write: release the stage's outputs once all
     * its writes are in, or answer the caller with the failure.
     */
    private void onPutResponse(final DirectBuffer buffer, final int offset)
    {
        putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final HeldOutputs outputs = heldByPut.remove(putResponseDecoder.correlationId());
        if (null == outputs)
        {
            return;
        }
        if (putResponseDecoder.code() != ErrorCode.NONE && outputs.failure == ErrorCode.NONE)
        {
            outputs.failure = putResponseDecoder.code();
        }
        if (--outputs.outstanding == 0)
        {
            held.remove(outputs);
            if (outputs.failure != ErrorCode.NONE)
            {
                fail(outputs.replyTo, outputs.correlationId, outputs.failure, "a write of the function was refused: " + outputs.failure);
                return;
            }
            for (int i = 0; i < outputs.frames.size(); i++)
            {
                final byte[] frame = outputs.frames.get(i);
                deferredSends.send(outputs.destinations.get(i)[0], new UnsafeBuffer(frame), 0, frame.length, clock.nanoTime());
            }
        }
    }

    /**
     * Drops held outputs whose writes were not acknowledged by the deadline: the caller times out, and a
     * re-run (if the executor is thought dead) writes again.
     */
    private int expireHeldOutputs(final long epochNow)
    {
        int expired = 0;
        for (int i = held.size() - 1; i >= 0; i--)
        {
            final HeldOutputs outputs = held.get(i);
            if (outputs.deadlineNs != 0 && epochNow - outputs.deadlineNs > 0)
            {
                held.remove(i);
                heldByPut.values().removeIf(candidate -> candidate == outputs);
                counters.undeliverable.incrementRelease();
                expired++;
            }
        }
        return expired;
    }

    private int send(final long destination, final int length)
    {
        if (null != holding)
        {
            final byte[] frame = new byte[length];
            message.getBytes(0, frame);
            holding.destinations.add(new long[]{ destination });
            holding.frames.add(frame);
            return SendStatus.OK;
        }
        // Outputs never wait: a link that is not ready keeps them for later tries (DeferredSends).
        final int status = deferredSends.send(destination, message, 0, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            counters.undeliverable.incrementRelease();
        }
        return status;
    }
}
