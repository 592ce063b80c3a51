package io.droplet.scheduler;

import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.CancelInvocationEncoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.transport.DeferredSends;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Encodes what the scheduler sends to executors in place, with reused encoders: each message is claimed
 * from the node's {@link DeferredSends} (the publication's term when the link is ready, otherwise space
 * whose message is kept and retried in order, as for a new executor) and committed once encoded.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public final class ExecutorPublisher implements ExecutorMessages
{
    private static final int TRIGGER_FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TriggerEncoder.BLOCK_LENGTH +
        TriggerEncoder.ScheduleEncoder.sbeHeaderSize() + TriggerEncoder.EdgesEncoder.sbeHeaderSize() +
        TriggerEncoder.argsHeaderLength();
    private static final int SCHEDULE_ENTRY_LENGTH =
        TriggerEncoder.ScheduleEncoder.sbeBlockLength() + TriggerEncoder.ScheduleEncoder.functionHeaderLength();

    private static final byte[] EMPTY = new byte[0];

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final DeleteFunctionEncoder deleteFunctionEncoder = new DeleteFunctionEncoder();
    private final CancelInvocationEncoder cancelInvocationEncoder = new CancelInvocationEncoder();
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final DeferredSends sends;
    private final NanoClock clock;

    /**
     * @param sends of the scheduler: claims space in place, or keeps a message while its link is not ready.
     * @param clock of send retry windows.
     */
    public ExecutorPublisher(final DeferredSends sends, final NanoClock clock)
    {
        this.sends = sends;
        this.clock = clock;
    }

    /**
     * @param dag        of the trigger.
     * @param argsLength of the stage's arguments.
     * @return the encoded length of its trigger, header included.
     */
    static int triggerLength(final DagDefinition dag, final int argsLength)
    {
        int length = TRIGGER_FIXED_LENGTH + argsLength +
            dag.edgeCount() * TriggerEncoder.EdgesEncoder.sbeBlockLength() + dag.stageCount() * SCHEDULE_ENTRY_LENGTH;
        for (int t = 0; t < dag.stageCount(); t++)
        {
            length += dag.functionBytes(t).length;
        }
        return length;
    }

    /**
     * {@inheritDoc}
     */
    public int trigger(
        final long executor, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int stage, final int attempt, final Schedule schedule, final DirectBuffer args, final int argsOffset,
        final int argsLength)
    {
        final DagDefinition dag = schedule.dag();
        final int length = triggerLength(dag, argsLength);
        final int status = sends.claim(executor, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        triggerEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .invocationId(invocationId)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .deadline(deadline)
            .targetStage(stage)
            .fromStage(stage)
            .attempt(attempt);
        final int stages = dag.stageCount();
        final TriggerEncoder.ScheduleEncoder group = triggerEncoder.scheduleCount(stages);
        for (int t = 0; t < stages; t++)
        {
            final byte[] function = dag.functionBytes(t);
            group.next().executor(schedule.executor(t)).putFunction(function, 0, function.length);
        }
        final TriggerEncoder.EdgesEncoder edges = triggerEncoder.edgesCount(dag.edgeCount());
        for (int e = 0; e < dag.edgeCount(); e++)
        {
            edges.next().fromStage(dag.edgeFrom(e)).toStage(dag.edgeTo(e));
        }
        triggerEncoder.putArgs(args, argsOffset, argsLength);
        return commit(triggerEncoder.encodedLength(), length);
    }

    /**
     * {@inheritDoc}
     */
    public int registration(final long executor, final byte[] frame)
    {
        // Already encoded (the client's frame, kept by the registry): sent as a copy.
        frameView.wrap(frame);
        return sends.send(executor, frameView, 0, frame.length, clock.nanoTime());
    }

    /**
     * {@inheritDoc}
     */
    public int deleteFunction(final long executor, final long sessionId, final String function)
    {
        final byte[] name = function.getBytes(StandardCharsets.UTF_8);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + DeleteFunctionEncoder.BLOCK_LENGTH +
            DeleteFunctionEncoder.nameHeaderLength() + name.length;
        final int status = sends.claim(executor, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        deleteFunctionEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(0)
            .sessionId(sessionId)
            .putName(name, 0, name.length);
        return commit(deleteFunctionEncoder.encodedLength(), length);
    }

    /**
     * {@inheritDoc}
     */
    public int cancelInvocation(final long executor, final long invocationId, final long correlationId)
    {
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + CancelInvocationEncoder.BLOCK_LENGTH;
        final int status = sends.claim(executor, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        cancelInvocationEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .invocationId(invocationId)
            .correlationId(correlationId);
        return commit(cancelInvocationEncoder.encodedLength(), length);
    }

    /**
     * {@inheritDoc}
     */
    public int introduce(
        final long destination, final long node, final String endpoint, final String identity, final long timestamp)
    {
        // Control path (a node joins): the texts are encoded once to know the length.
        final byte[] identityBytes = identity.getBytes(StandardCharsets.UTF_8);
        final byte[] endpointBytes = endpoint.getBytes(StandardCharsets.UTF_8);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ConnectEncoder.BLOCK_LENGTH +
            ConnectEncoder.namespaceNameHeaderLength() + ConnectEncoder.identityHeaderLength() + identityBytes.length +
            ConnectEncoder.replyEndpointHeaderLength() + endpointBytes.length;
        final int status = sends.claim(destination, length, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        connectEncoder.wrapAndApplyHeader(sends.buffer(), sends.offset(), headerEncoder)
            .correlationId(0)
            .clientNode(node)
            .timestamp(timestamp)
            .putNamespaceName(EMPTY, 0, 0)
            .putIdentity(identityBytes, 0, identityBytes.length)
            .putReplyEndpoint(endpointBytes, 0, endpointBytes.length);
        return commit(connectEncoder.encodedLength(), length);
    }

    private int commit(final int encodedLength, final int claimedLength)
    {
        if (MessageHeaderEncoder.ENCODED_LENGTH + encodedLength != claimedLength)
        {
            // A length computed apart from its encoder went wrong: never send a torn message.
            sends.abort();
            throw new IllegalStateException("encoded " + encodedLength + " bytes in a claim of " + claimedLength);
        }
        return sends.commit();
    }
}
