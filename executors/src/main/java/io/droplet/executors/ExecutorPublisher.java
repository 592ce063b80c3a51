package io.droplet.executors;

import io.droplet.codecs.sbe.Role;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CancelInvocationEncoder;
import io.droplet.codecs.sbe.CallFunctionEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.CapacityEncoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionMessageEncoder;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.InvocationsCompletedEncoder;
import io.droplet.codecs.sbe.KvsGetEncoder;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultEncoder;
import io.droplet.codecs.sbe.StageSelector;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes what an executor sends with reused encoders, in place: each message's length is computed
 * first, then {@link DeferredSends#claim} hands out space in the publication's term when the link is
 * ready (or a scratch buffer that {@link DeferredSends#commit} keeps and retries in order when it is
 * not), the message is encoded there and committed. Outputs never wait. Heartbeats are claimed once,
 * without waiting, and not kept: one that cannot go is superseded by the next. Allocation-free in steady
 * state (errors aside: their detail is text).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the executor agent.
 */
final class ExecutorPublisher implements ExecutorSends
{
    private static final byte[] EMPTY_SUMMARY = new byte[0];

    private final long nodeId;
    private final long cacheNode;
    private final boolean hasCache;
    private final PeerDirectory peers;
    private final DeferredSends deferredSends;
    private final ErrorReplier errorReplier;
    private final NanoClock clock;
    private final ExecutorCounters counters;
    private final byte[] endpoint;
    private final long startedAt;
    private final UnsafeBuffer lattice;
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final ResultEncoder resultEncoder = new ResultEncoder();
    private final KvsGetEncoder getEncoder = new KvsGetEncoder();
    private final KvsPutEncoder putEncoder = new KvsPutEncoder();
    private final FunctionMessageEncoder functionMessageEncoder = new FunctionMessageEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final InvocationsCompletedEncoder completedEncoder = new InvocationsCompletedEncoder();
    private final CallFunctionEncoder callFunctionEncoder = new CallFunctionEncoder();
    private final CallDagEncoder callDagEncoder = new CallDagEncoder();
    private final CapacityEncoder capacityEncoder = new CapacityEncoder();
    private final CancelInvocationEncoder cancelInvocationEncoder = new CancelInvocationEncoder();

    /**
     * @param context       of the executor, concluded.
     * @param deferredSends of the executor.
     * @param errorReplier  of the executor.
     * @param counters      of the executor: a message that can be neither sent nor kept counts as undeliverable.
     */
    ExecutorPublisher(
        final ExecutorContext context, final DeferredSends deferredSends, final ErrorReplier errorReplier,
        final ExecutorCounters counters)
    {
        this.counters = counters;
        this.nodeId = context.channels().nodeId();
        this.cacheNode = context.cacheNode();
        this.hasCache = null != context.cache();
        this.peers = context.channels().peers();
        this.deferredSends = deferredSends;
        this.errorReplier = errorReplier;
        this.clock = context.nanoClock();
        this.endpoint = context.channels().self().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.startedAt = context.startedAtNs();
        this.lattice = new UnsafeBuffer(ByteBuffer.allocateDirect(context.maxMessageLength() / 2));
    }

    public int trigger(
        final long destination, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int childStage, final int fromStage, final int attempt, final StageSchedule schedule,
        final DirectBuffer value, final int offset, final int length)
    {
        final int status = claim(destination, triggerLength(schedule, length));
        if (status != SendStatus.OK)
        {
            return status;
        }
        final TriggerEncoder encoder = triggerEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .invocationId(invocationId)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .deadline(deadline)
            .targetStage(childStage)
            .fromStage(fromStage)
            .attempt(attempt);
        final int stages = schedule.stages();
        final TriggerEncoder.ScheduleEncoder stageEncoder = encoder.scheduleCount(stages);
        final DirectBuffer names = schedule.names();
        for (int s = 0; s < stages; s++)
        {
            stageEncoder.next().executor(schedule.executor(s))
                .putFunction(names, schedule.functionOffset(s), schedule.functionLength(s));
        }
        final int edges = schedule.edges();
        final TriggerEncoder.EdgesEncoder edgesEncoder = encoder.edgesCount(edges);
        for (int e = 0; e < edges; e++)
        {
            edgesEncoder.next().fromStage(schedule.edgeFrom(e)).toStage(schedule.edgeTo(e));
        }
        encoder.putArgs(value, offset, length);
        return commit();
    }

    public int result(
        final long replyTo, final long correlationId, final long invocationId, final DirectBuffer value, final int offset,
        final int length)
    {
        final int status = claim(replyTo, MessageHeaderEncoder.ENCODED_LENGTH + ResultEncoder.BLOCK_LENGTH +
            ResultEncoder.valueHeaderLength() + length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        resultEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .correlationId(correlationId)
            .invocationId(invocationId)
            .executor(nodeId)
            .putValue(value, offset, length);
        return commit();
    }

    public int error(final long replyTo, final long correlationId, final ErrorCode code, final String detail)
    {
        return errorReplier.reply(replyTo, correlationId, code, detail);
    }

    public int cancelInvocation(final long executor, final long invocationId)
    {
        final int status = claim(executor, MessageHeaderEncoder.ENCODED_LENGTH + CancelInvocationEncoder.BLOCK_LENGTH);
        if (status != SendStatus.OK)
        {
            return status;
        }
        cancelInvocationEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .invocationId(invocationId)
            .correlationId(0);
        return commit();
    }

    public int cacheGet(final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        final int status = claim(cacheNode, MessageHeaderEncoder.ENCODED_LENGTH + KvsGetEncoder.BLOCK_LENGTH +
            KvsGetEncoder.keyHeaderLength() + keyLength);
        if (status != SendStatus.OK)
        {
            return status;
        }
        keyView.wrap(key, keyOffset, keyLength);
        getEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(nodeId)
            .putKey(keyView, 0, keyLength);
        return commit();
    }

    public int cachePut(
        final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer lattice, final int latticeOffset, final int latticeLength)
    {
        final int status = claim(cacheNode, MessageHeaderEncoder.ENCODED_LENGTH + KvsPutEncoder.BLOCK_LENGTH +
            KvsPutEncoder.keyHeaderLength() + keyLength + KvsPutEncoder.valueHeaderLength() + latticeLength);
        if (status != SendStatus.OK)
        {
            return status;
        }
        keyView.wrap(key, keyOffset, keyLength);
        putEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .correlationId(correlationId)
            .replyTo(nodeId)
            .ack(AckLevel.ONE)
            .putKey(keyView, 0, keyLength)
            .putValue(lattice, latticeOffset, latticeLength);
        return commit();
    }

    public int cachePutLww(
        final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength, final long timestamp,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final int latticeLength = LatticeCodec.encodeLww(
            timestamp, nodeId, value, valueOffset, valueLength, lattice, 0, lattice.capacity());
        if (latticeLength < 0)
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        return cachePut(correlationId, key, keyOffset, keyLength, lattice, 0, latticeLength);
    }

    public int functionMessage(
        final long to, final long from, final long invocationId, final DirectBuffer payload, final int offset, final int length)
    {
        final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + FunctionMessageEncoder.BLOCK_LENGTH +
            FunctionMessageEncoder.payloadHeaderLength() + length;
        if (length < 0)
        {
            return SendStatus.PAYLOAD_TOO_LARGE;
        }
        // A mailbox message that cannot go is counted as dropped by the mailbox, not as an undeliverable output.
        final int status = deferredSends.claim(to, frameLength, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        functionMessageEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .from(from)
            .to(to)
            .invocationId(invocationId)
            .putPayload(payload, offset, length);
        return deferredSends.commit();
    }

    public int heartbeat(
        final long[] schedulers, final int count, final long timestamp, final int queueDepth, final int workers,
        final int freeSlots, final int inFlight, final int utilisationPerMille, final LocalFunctions.Announcement functions)
    {
        final int length = heartbeatLength(functions.names(), endpoint.length);
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            sent += heartbeatTo(schedulers[i], length, timestamp, queueDepth, workers, freeSlots, inFlight,
                utilisationPerMille, functions);
        }
        if (hasCache)
        {
            // The host's cache agent learns where to answer this executor from its heartbeats.
            sent += heartbeatTo(cacheNode, length, timestamp, queueDepth, workers, freeSlots, inFlight,
                utilisationPerMille, functions);
        }
        return sent;
    }

    /**
     * Encodes a heartbeat in place and offers it once, without waiting: the next one supersedes it.
     */
    private int heartbeatTo(
        final long destination, final int length, final long timestamp, final int queueDepth, final int workers,
        final int freeSlots, final int inFlight, final int utilisationPerMille, final LocalFunctions.Announcement functions)
    {
        final MessagePublisher publisher = peers.publisher(destination);
        if (null == publisher || publisher.claim(length, clock.nanoTime()) != SendStatus.OK)
        {
            return 0;
        }
        final HeartbeatEncoder encoder = heartbeatEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .node(nodeId)
            .timestamp(timestamp)
            .roles(Role.EXECUTOR.value())
            .utilisationPerMille(utilisationPerMille)
            .queueDepth(queueDepth)
            .inFlight(inFlight)
            .startedAt(startedAt)
            .workers(workers)
            .freeSlots(freeSlots);
        final int size = functions.size();
        final HeartbeatEncoder.FunctionsEncoder group = encoder.functionsCount(size);
        for (int i = 0; i < size; i++)
        {
            final byte[] name = functions.name(i);
            group.next().lane(functions.lane(i)).putName(name, 0, name.length);
        }
        encoder.putEndpoint(endpoint, 0, endpoint.length).putCachedKeySummary(EMPTY_SUMMARY, 0, 0);
        return publisher.commit() == SendStatus.OK ? 1 : 0;
    }

    public int capacity(final long[] schedulers, final int count, final int workers, final int freeSlots)
    {
        final int length = capacityLength();
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            final MessagePublisher publisher = peers.publisher(schedulers[i]);
            if (null == publisher || publisher.claim(length, clock.nanoTime()) != SendStatus.OK)
            {
                continue;
            }
            capacityEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
                .executor(nodeId)
                .startedAt(startedAt)
                .workers(workers)
                .freeSlots(freeSlots);
            sent += publisher.commit() == SendStatus.OK ? 1 : 0;
        }
        return sent;
    }

    public int invocationsCompleted(
        final long[] schedulers, final int count, final long[] invocationIds, final int idCount)
    {
        final int length = invocationsCompletedLength(idCount);
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            final MessagePublisher publisher = peers.publisher(schedulers[i]);
            if (null == publisher || publisher.claim(length, clock.nanoTime()) != SendStatus.OK)
            {
                continue;
            }
            final InvocationsCompletedEncoder.InvocationsEncoder group = completedEncoder
                .wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
                .executor(nodeId)
                .invocationsCount(idCount);
            for (int n = 0; n < idCount; n++)
            {
                group.next().invocationId(invocationIds[n]);
            }
            sent += publisher.commit() == SendStatus.OK ? 1 : 0;
        }
        return sent;
    }

    public int callFunction(
        final long scheduler, final long correlationId, final long deadline, final byte[] function, final byte[] args)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + CallFunctionEncoder.BLOCK_LENGTH +
            CallFunctionEncoder.TimesEncoder.sbeHeaderSize() + CallFunctionEncoder.functionHeaderLength() + function.length +
            CallFunctionEncoder.argsHeaderLength() + args.length;
        final int status = claim(scheduler, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        callFunctionEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(nodeId)
            .replyTo(nodeId)
            .deadline(deadline)
            .mode(CallMode.FG)
            .periodNs(0)
            .timesCount(0);
        callFunctionEncoder.putFunction(function, 0, function.length).putArgs(args, 0, args.length);
        return commit();
    }

    public int callDag(final long scheduler, final long correlationId, final long deadline, final byte[] dag, final byte[] args)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + CallDagEncoder.BLOCK_LENGTH +
            CallDagEncoder.SourceArgsEncoder.sbeHeaderSize() + CallDagEncoder.SourceArgsEncoder.sbeBlockLength() +
            CallDagEncoder.SourceArgsEncoder.argsHeaderLength() + args.length + CallDagEncoder.dagHeaderLength() + dag.length;
        final int status = claim(scheduler, length);
        if (status != SendStatus.OK)
        {
            return status;
        }
        callDagEncoder.wrapAndApplyHeader(deferredSends.buffer(), deferredSends.offset(), headerEncoder)
            .correlationId(correlationId)
            .sessionId(nodeId)
            .replyTo(nodeId)
            .deadline(deadline)
            .mode(CallMode.FG)
            .periodNs(0);
        callDagEncoder.sourceArgsCount(1).next().stage(StageSelector.ALL_SOURCES.value()).putArgs(args, 0, args.length);
        callDagEncoder.putDag(dag, 0, dag.length);
        return commit();
    }

    /**
     * @return the length of an {@code InvocationsCompleted} of {@code idCount} ids.
     */
    static int invocationsCompletedLength(final int idCount)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + InvocationsCompletedEncoder.BLOCK_LENGTH +
            InvocationsCompletedEncoder.InvocationsEncoder.sbeHeaderSize() +
            idCount * InvocationsCompletedEncoder.InvocationsEncoder.sbeBlockLength();
    }

    /**
     * @return the length of a {@code Capacity} report.
     */
    static int capacityLength()
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + CapacityEncoder.BLOCK_LENGTH;
    }

    /**
     * @return the length of an executor's {@code Heartbeat} naming {@code functions}, with no key summary.
     */
    static int heartbeatLength(final List<byte[]> functions, final int endpointLength)
    {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + HeartbeatEncoder.BLOCK_LENGTH +
            HeartbeatEncoder.FunctionsEncoder.sbeHeaderSize() + HeartbeatEncoder.endpointHeaderLength() + endpointLength +
            HeartbeatEncoder.cachedKeySummaryHeaderLength();
        for (int i = 0; i < functions.size(); i++)
        {
            length += HeartbeatEncoder.FunctionsEncoder.sbeBlockLength() + HeartbeatEncoder.FunctionsEncoder.nameHeaderLength() +
                functions.get(i).length;
        }
        return length;
    }

    /**
     * @return the length of a {@code Trigger} carrying {@code schedule} and {@code argsLength} bytes of arguments.
     */
    static int triggerLength(final StageSchedule schedule, final int argsLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + TriggerEncoder.BLOCK_LENGTH +
            TriggerEncoder.ScheduleEncoder.sbeHeaderSize() +
            schedule.stages() *
            (TriggerEncoder.ScheduleEncoder.sbeBlockLength() + TriggerEncoder.ScheduleEncoder.functionHeaderLength()) +
            schedule.namesLength() +
            TriggerEncoder.EdgesEncoder.sbeHeaderSize() + schedule.edges() * TriggerEncoder.EdgesEncoder.sbeBlockLength() +
            TriggerEncoder.argsHeaderLength() + argsLength;
    }

    private int claim(final long destination, final int length)
    {
        final int status = deferredSends.claim(destination, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            counters.undeliverable.incrementRelease();
        }
        return status;
    }

    private int commit()
    {
        final int status = deferredSends.commit();
        if (status != SendStatus.OK)
        {
            counters.undeliverable.incrementRelease();
        }
        return status;
    }
}
