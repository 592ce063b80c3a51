package io.droplet.scheduler;

import io.droplet.codecs.sbe.CapacityDecoder;
import io.droplet.codecs.sbe.FunctionLane;
import io.droplet.codecs.sbe.HeartbeatDecoder;
import io.droplet.codecs.sbe.InvocationsCompletedDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import java.util.HashSet;
import java.util.Set;

/**
 * Decodes the membership protocol ({@code Heartbeat}, {@code Capacity}, {@code InvocationsCompleted}) once and
 * calls a {@link MembershipListener}.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public final class MembershipAdapter
{
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();
    private final InvocationsCompletedDecoder completedDecoder = new InvocationsCompletedDecoder();
    private final CapacityDecoder capacityDecoder = new CapacityDecoder();
    private final MembershipListener listener;

    /**
     * @param listener told of each message.
     */
    public MembershipAdapter(final MembershipListener listener)
    {
        this.listener = listener;
    }

    /**
     * @param templateId of the frame.
     * @param buffer     holding it.
     * @param offset     of its header.
     * @param length     of the frame.
     * @return true if the template is of this protocol (and was handled).
     */
    public boolean onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId == CapacityDecoder.TEMPLATE_ID)
        {
            final CapacityDecoder capacity = capacityDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            listener.onCapacity(capacity.executor(), capacity.startedAt(), capacity.workers(), capacity.freeSlots());
            return true;
        }
        if (templateId == InvocationsCompletedDecoder.TEMPLATE_ID)
        {
            onInvocationsCompleted(buffer, offset);
            return true;
        }
        if (templateId != HeartbeatDecoder.TEMPLATE_ID)
        {
            return false;
        }
        final HeartbeatDecoder heartbeat = heartbeatDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long node = heartbeat.node();
        final short roles = heartbeat.roles();
        final int queueDepth = heartbeat.queueDepth();
        final long startedAt = heartbeat.startedAt();
        final int workers = heartbeat.workers();
        final int freeSlots = heartbeat.freeSlots();
        final HeartbeatDecoder.FunctionsDecoder group = heartbeat.functions();
        // The listener keeps the sets as the executor's announced functions: fresh ones per heartbeat.
        final Set<String> functions = group.count() == 0 ? Set.of() : new HashSet<>(group.count() * 2);
        Set<String> inline = Set.of();
        for (final HeartbeatDecoder.FunctionsDecoder function : group)
        {
            final FunctionLane lane = function.lane();
            final String name = function.name();
            functions.add(name);
            if (lane == FunctionLane.INLINE)
            {
                if (inline.isEmpty())
                {
                    inline = new HashSet<>();
                }
                inline.add(name);
            }
        }
        final int endpointLength = heartbeat.endpointLength();
        final int endpointOffset = heartbeat.limit() + HeartbeatDecoder.endpointHeaderLength();
        heartbeat.skipEndpoint();
        final int summaryLength = heartbeat.cachedKeySummaryLength();
        final int summaryOffset = heartbeat.limit() + HeartbeatDecoder.cachedKeySummaryHeaderLength();
        listener.onHeartbeat(node, roles, queueDepth, workers, freeSlots, startedAt, functions, inline,
            buffer, endpointOffset, endpointLength, buffer, summaryOffset, summaryLength);
        return true;
    }

    private void onInvocationsCompleted(final DirectBuffer buffer, final int offset)
    {
        final InvocationsCompletedDecoder completed = completedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long executor = completed.executor();
        for (final InvocationsCompletedDecoder.InvocationsDecoder invocation : completed.invocations())
        {
            listener.onInvocationCompleted(executor, invocation.invocationId());
        }
    }
}
