package io.droplet.scheduler;

import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.DeleteFunctionEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.transport.DeferredSends;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes what the scheduler sends to executors with reused encoders, and sends it through the node's
 * {@link DeferredSends}, which keeps a message only while its link is not ready (a new executor).
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public final class ExecutorPublisher implements ExecutorMessages
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final DeleteFunctionEncoder deleteFunctionEncoder = new DeleteFunctionEncoder();
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final MutableDirectBuffer message;
    private final DeferredSends sends;
    private final NanoClock clock;

    /**
     * @param message scratch buffer of the transport's largest message.
     * @param sends   of the scheduler.
     * @param clock   of send retry windows.
     */
    public ExecutorPublisher(final MutableDirectBuffer message, final DeferredSends sends, final NanoClock clock)
    {
        this.message = message;
        this.sends = sends;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     */
    public int trigger(
        final long executor, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int stage, final int attempt, final Schedule schedule, final DirectBuffer args, final int argsOffset,
        final int argsLength)
    {
        triggerEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .invocationId(invocationId)
            .correlationId(correlationId)
            .replyTo(replyTo)
            .deadline(deadline)
            .targetStage(stage)
            .fromStage(stage)
            .attempt(attempt);
        final DagDefinition dag = schedule.dag();
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
        return send(executor, MessageHeaderEncoder.ENCODED_LENGTH + triggerEncoder.encodedLength());
    }

    /**
     * {@inheritDoc}
     */
    public int registration(final long executor, final byte[] frame)
    {
        frameView.wrap(frame);
        return sends.send(executor, frameView, 0, frame.length, clock.nanoTime());
    }

    /**
     * {@inheritDoc}
     */
    public int deleteFunction(final long executor, final long sessionId, final String function)
    {
        deleteFunctionEncoder.wrapAndApplyHeader(message, 0, headerEncoder).correlationId(0).sessionId(sessionId).name(function);
        return send(executor, MessageHeaderEncoder.ENCODED_LENGTH + deleteFunctionEncoder.encodedLength());
    }

    /**
     * {@inheritDoc}
     */
    public int introduce(
        final long destination, final long node, final String endpoint, final String identity, final long timestamp)
    {
        connectEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(0)
            .clientNode(node)
            .timestamp(timestamp)
            .namespaceName("")
            .identity(identity)
            .replyEndpoint(endpoint);
        return send(destination, MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
    }

    private int send(final long destination, final int length)
    {
        // Never waits: a link that is not ready (a new executor) keeps the message for later tries.
        return sends.send(destination, message, 0, length, clock.nanoTime());
    }
}
