package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.ValueRejection;
import io.droplet.codecs.value.ValueValidator;

/**
 * The door of every call's arguments: each source stage's arguments are checked by {@link ValueValidator} once,
 * as the frame arrives, before anything in the scheduler reads them (cache locality and keyed placement walk them
 * with a {@code ValueReader}, which trusts what it reads). A call whose arguments are not a valid value encoding is
 * answered MALFORMED and counted; nothing else sees it. The executor validates again what it receives: it cannot
 * know the scheduler did.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Checking allocates nothing; refusing does (the
 * error's text: bad input only).
 */
final class ArgumentCheck
{
    private final ClientReplies replies;
    private final SchedulerCounters counters;

    /**
     * @param replies  to callers.
     * @param counters of the scheduler.
     */
    ArgumentCheck(final ClientReplies replies, final SchedulerCounters counters)
    {
        this.replies = replies;
        this.counters = counters;
    }

    /**
     * @param correlationId of the call.
     * @param replyTo       its caller.
     * @param mode          of the call (a BROADCAST caller hears it went to no executor first).
     * @param args          of its source stages.
     * @return true if every stage's arguments are valid; false if the caller was answered MALFORMED.
     */
    boolean admit(final long correlationId, final long replyTo, final CallMode mode, final SourceArgs args)
    {
        int checkedOffset = -1;
        int checkedLength = -1;
        for (int s = 0; s < SourceArgs.MAX_STAGES; s++)
        {
            final int length = args.length(s);
            if (length < 0 || (args.offset(s) == checkedOffset && length == checkedLength))
            {
                // No arguments (the stage gets an empty list), or the same span as the stage before (all sources).
                continue;
            }
            final ValueRejection rejection =
                ValueValidator.validate(args.buffer(), args.offset(s), length, ValueValidator.DEFAULT_MAX_DEPTH);
            if (rejection != ValueRejection.NONE)
            {
                refuse(correlationId, replyTo, mode, s, rejection);
                return false;
            }
            checkedOffset = args.offset(s);
            checkedLength = length;
        }
        return true;
    }

    private void refuse(
        final long correlationId, final long replyTo, final CallMode mode, final int stage, final ValueRejection rejection)
    {
        counters.callsMalformed.incrementRelease();
        counters.callsRefused.incrementRelease();
        if (mode == CallMode.BROADCAST)
        {
            replies.broadcastStarted(replyTo, correlationId, 0);
        }
        // The kind of problem, never where in the frame it was: the text is the same for every such call.
        replies.error(replyTo, correlationId, ErrorCode.MALFORMED,
            "the arguments of stage " + stage + " are not a valid value: " + rejection);
    }
}
