package io.droplet.scheduler;

import org.agrona.DirectBuffer;

import java.util.Set;

/**
 * What a {@link MembershipAdapter} decodes from the membership protocol.
 * <p>
 * <b>Note:</b> called on the scheduler's thread only; buffers are valid only during the call.
 */
public interface MembershipListener
{
    /**
     * {@code Heartbeat}: a node is alive.
     *
     * @param node           id.
     * @param roles          bit set: 2 cache, 4 executor (see the schema).
     * @param queueDepth     of an executor.
     * @param workers        of an executor's pool.
     * @param freeSlots      of an executor's pool: workers not busy.
     * @param startedAt      when this incarnation of the node started.
     * @param functions      names an executor announces: a set the listener may keep.
     * @param inline         those of them that run inline (declared short): a set the listener may keep.
     * @param endpoint       buffer holding where the node receives.
     * @param endpointOffset of the endpoint.
     * @param endpointLength of the endpoint.
     * @param summary        buffer holding a host cache's key summary.
     * @param summaryOffset  of the summary.
     * @param summaryLength  of the summary (0 if none).
     */
    void onHeartbeat(
        long node, short roles, int queueDepth, int workers, int freeSlots, long startedAt, Set<String> functions,
        Set<String> inline, DirectBuffer endpoint, int endpointOffset, int endpointLength,
        DirectBuffer summary, int summaryOffset, int summaryLength);

    /**
     * {@code Capacity}: an executor's free slots between heartbeats.
     *
     * @param executor  node id.
     * @param startedAt its incarnation.
     * @param workers   of its pool.
     * @param freeSlots of its pool: workers not busy.
     */
    void onCapacity(long executor, long startedAt, int workers, int freeSlots);

    /**
     * One id of an {@code InvocationsCompleted}: an executor answered this invocation's caller.
     *
     * @param executor     that answered.
     * @param invocationId answered; one this scheduler did not start is ignored.
     */
    void onInvocationCompleted(long executor, long invocationId);
}
