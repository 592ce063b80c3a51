package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.SendStatus;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records what the scheduler's state machines send, in place of both publishers.
 */
final class RecordingPublisher implements ClientReplies, ExecutorMessages
{
    record Trigger(long executor, long invocationId, long correlationId, long replyTo, long deadline, int stage, int attempt,
        long[] schedule, byte[] args)
    {
    }

    record Error(long caller, long correlationId, ErrorCode code, String detail)
    {
    }

    record Introduction(long destination, long node, String endpoint, String identity)
    {
    }

    final List<Trigger> triggers = new ArrayList<>();
    /** False to count triggers only, allocation-free (for measuring what the scheduler allocates). */
    boolean recordTriggers = true;
    long triggerCount;
    final List<Error> errors = new ArrayList<>();
    final List<Long> acks = new ArrayList<>();
    final List<long[]> broadcastsStarted = new ArrayList<>();
    final List<long[]> registrations = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<String> cancels = new ArrayList<>();
    final List<Introduction> introductions = new ArrayList<>();
    final List<long[]> connected = new ArrayList<>();
    final List<List<String>> functionLists = new ArrayList<>();

    void clear()
    {
        triggers.clear();
        errors.clear();
        acks.clear();
        broadcastsStarted.clear();
        registrations.clear();
        deletes.clear();
        cancels.clear();
        introductions.clear();
        connected.clear();
        functionLists.clear();
    }

    public int trigger(
        final long executor, final long invocationId, final long correlationId, final long replyTo, final long deadline,
        final int stage, final int attempt, final Schedule schedule, final DirectBuffer args, final int argsOffset,
        final int argsLength)
    {
        triggerCount++;
        if (!recordTriggers)
        {
            return SendStatus.OK;
        }
        final long[] executors = new long[schedule.stageCount()];
        for (int s = 0; s < executors.length; s++)
        {
            executors[s] = schedule.executor(s);
        }
        final byte[] bytes = new byte[argsLength];
        args.getBytes(argsOffset, bytes);
        triggers.add(new Trigger(executor, invocationId, correlationId, replyTo, deadline, stage, attempt, executors, bytes));
        return SendStatus.OK;
    }

    public int registration(final long executor, final byte[] frame)
    {
        registrations.add(new long[]{ executor, frame.length });
        return SendStatus.OK;
    }

    public int deleteFunction(final long executor, final long sessionId, final String function)
    {
        deletes.add(executor + ":" + function);
        return SendStatus.OK;
    }

    public int cancelInvocation(final long executor, final long invocationId, final long correlationId)
    {
        cancels.add(executor + ":" + invocationId + ":" + correlationId);
        return SendStatus.OK;
    }

    public int introduce(final long destination, final long node, final String endpoint, final String identity, final long timestamp)
    {
        introductions.add(new Introduction(destination, node, endpoint, identity));
        return SendStatus.OK;
    }

    public int ack(final long caller, final long correlationId)
    {
        acks.add(correlationId);
        return SendStatus.OK;
    }

    public int broadcastStarted(final long caller, final long correlationId, final int executors)
    {
        broadcastsStarted.add(new long[]{ caller, correlationId, executors });
        return SendStatus.OK;
    }

    public int functionList(
        final long caller, final long correlationId, final Map<String, FunctionKind> functions, final Principal principal)
    {
        functionLists.add(new ArrayList<>(functions.keySet()));
        return SendStatus.OK;
    }

    public int connected(final long client, final long correlationId, final long sessionId, final long leaseTimeoutNs)
    {
        connected.add(new long[]{ client, correlationId, sessionId, leaseTimeoutNs });
        return SendStatus.OK;
    }

    public int error(final long caller, final long correlationId, final ErrorCode code, final String detail)
    {
        errors.add(new Error(caller, correlationId, code, detail));
        return SendStatus.OK;
    }

    public int rejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        return SendStatus.OK;
    }
}
