package io.droplet.scheduler;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

/**
 * Routes each client request to the state machine whose job it is: calls to {@link Calls}, registry
 * requests to {@link Registrations}, a caller connecting to {@link Membership}, a rejected frame to the
 * error reply. A call goes on only once its arguments passed the {@link ArgumentCheck}.
 * <p>
 * <b>Note:</b> not thread-safe; called on the scheduler's thread.
 */
final class ClientRequests implements ClientRequestListener
{
    private final Calls calls;
    private final Registrations registrations;
    private final Membership membership;
    private final ClientReplies replies;
    private final ArgumentCheck arguments;

    ClientRequests(
        final Calls calls, final Registrations registrations, final Membership membership, final ClientReplies replies,
        final SchedulerCounters counters)
    {
        this.arguments = new ArgumentCheck(replies, counters);
        this.calls = calls;
        this.registrations = registrations;
        this.membership = membership;
        this.replies = replies;
    }

    /**
     * {@inheritDoc}
     */
    public void onCallDag(
        final long correlationId, final long replyTo, final long deadline, final CallMode mode,
        final DirectBuffer dag, final int dagOffset, final int dagLength, final SourceArgs args)
    {
        if (!arguments.admit(correlationId, replyTo, mode, args))
        {
            return;
        }
        calls.onCallDag(correlationId, replyTo, deadline, mode, dag, dagOffset, dagLength, args);
    }

    /**
     * {@inheritDoc}
     */
    public void onCallFunction(
        final long correlationId, final long replyTo, final long deadline, final CallMode mode, final long periodNs,
        final long[] times, final int timesCount, final DirectBuffer function, final int functionOffset,
        final int functionLength, final SourceArgs args)
    {
        if (!arguments.admit(correlationId, replyTo, mode, args))
        {
            return;
        }
        calls.onCallFunction(correlationId, replyTo, deadline, mode, periodNs, times, timesCount,
            function, functionOffset, functionLength, args);
    }

    /**
     * {@inheritDoc}
     */
    public void onCancel(final long correlationId, final long sessionId)
    {
        calls.onCancel(correlationId, sessionId);
    }

    /**
     * {@inheritDoc}
     */
    public void onRegisterFunction(
        final long correlationId, final long sessionId, final FunctionKind kind, final DirectBuffer name,
        final int nameOffset, final int nameLength, final DirectBuffer frame, final int frameOffset, final int frameLength)
    {
        registrations.onRegisterFunction(correlationId, sessionId, kind, name, nameOffset, nameLength,
            frame, frameOffset, frameLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onDeleteFunction(
        final long correlationId, final long sessionId, final DirectBuffer name, final int nameOffset, final int nameLength)
    {
        registrations.onDeleteFunction(correlationId, sessionId, name, nameOffset, nameLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onListFunctions(final long correlationId, final long sessionId, final Principal principal)
    {
        registrations.onListFunctions(correlationId, sessionId, principal);
    }

    /**
     * {@inheritDoc}
     */
    public void onRegisterDag(
        final long correlationId, final long sessionId, final String name, final String[] functions,
        final int[] edgeFrom, final int[] edgeTo, final DirectBuffer frame, final int frameOffset, final int frameLength)
    {
        registrations.onRegisterDag(correlationId, sessionId, name, functions, edgeFrom, edgeTo, frame, frameOffset, frameLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onDeleteDag(
        final long correlationId, final long sessionId, final DirectBuffer name, final int nameOffset, final int nameLength)
    {
        registrations.onDeleteDag(correlationId, sessionId, name, nameOffset, nameLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onConnect(
        final long correlationId, final long clientNode, final long sessionToken,
        final DirectBuffer endpoint, final int endpointOffset, final int endpointLength)
    {
        membership.onConnect(correlationId, clientNode, sessionToken, endpoint, endpointOffset, endpointLength);
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        replies.rejected(rejection, buffer, offset, length);
    }
}
