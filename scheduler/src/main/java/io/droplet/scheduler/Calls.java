package io.droplet.scheduler;

import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.List;

/**
 * The first hop of a call: finds its DAG or function in the {@link Registry} (on a miss, the call waits
 * as a {@link PendingLookup} while the KVS is read) and hands it on by mode: to the
 * {@link InvocationLauncher} once, to the {@link Broadcast} for every executor, or to the
 * {@link PeriodicCalls}. Also cancels periodic calls.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. A call that hits in the registry does
 * not allocate.
 */
final class Calls implements PendingLookup.Owner
{
    private final Registry registry;
    private final InvocationLauncher launcher;
    private final Broadcast broadcast;
    private final PeriodicCalls periodicCalls;
    private final ClientReplies replies;
    private final SchedulerCounters counters;

    /**
     * @param registry      of functions and DAGs.
     * @param launcher      starts invocations.
     * @param broadcast     runs BROADCAST calls.
     * @param periodicCalls runs PERIOD calls.
     * @param replies       to callers.
     * @param counters      of the scheduler.
     */
    Calls(
        final Registry registry, final InvocationLauncher launcher, final Broadcast broadcast,
        final PeriodicCalls periodicCalls, final ClientReplies replies, final SchedulerCounters counters)
    {
        this.registry = registry;
        this.launcher = launcher;
        this.broadcast = broadcast;
        this.periodicCalls = periodicCalls;
        this.replies = replies;
        this.counters = counters;
    }

    void onCallDag(
        final long correlationId, final long replyTo, final long deadline, final CallMode mode,
        final DirectBuffer nameBuffer, final int nameOffset, final int nameLength, final SourceArgs args)
    {
        final DagDefinition dag = registry.dag(nameBuffer, nameOffset, nameLength);
        if (null != dag)
        {
            launcher.start(dag, args, correlationId, mode == CallMode.NO_RETURN ? 0 : replyTo, replyTo, deadline, 0);
            return;
        }
        final String name = nameBuffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
        if (null != registry.storage())
        {
            final PendingLookup lookup = PendingLookup.call(
                PendingLookup.Request.CALL_DAG, this, correlationId, replyTo, deadline, mode, 0, null, name, args.copy());
            registry.lookUp(lookup, PendingLookup.State.READING_ENTRY, List.of(RegistryStore.DAG_PREFIX + name));
            return;
        }
        refuse(replyTo, correlationId, ErrorCode.NO_SUCH_DAG, "no DAG named " + name);
    }

    void onCallFunction(
        final long correlationId, final long replyTo, final long deadline, final CallMode mode, final long periodNs,
        final long[] times, final int timesCount, final DirectBuffer nameBuffer, final int nameOffset, final int nameLength,
        final SourceArgs args)
    {
        final DagDefinition single = registry.function(nameBuffer, nameOffset, nameLength);
        if (null != single)
        {
            route(single, args, correlationId, replyTo, deadline, mode, periodNs, times, timesCount);
            return;
        }
        final String name = nameBuffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
        if (null != registry.storage())
        {
            final PendingLookup lookup = PendingLookup.call(PendingLookup.Request.CALL_FUNCTION, this, correlationId,
                replyTo, deadline, mode, periodNs, Arrays.copyOf(times, timesCount), name, args.copy());
            registry.lookUp(lookup, PendingLookup.State.READING_ENTRY, List.of(RegistryStore.FUNCTION_PREFIX + name));
            return;
        }
        functionMissing(correlationId, replyTo, mode, name, ErrorCode.NONE);
    }

    void onCancel(final long correlationId, final long caller)
    {
        // A periodic call's runs carry its correlation id too: a Cancel of it stops the call, not one run.
        final int inFlight = periodicCalls.has(correlationId) ? InvocationLauncher.NOT_FOUND : launcher.cancel(correlationId, caller);
        if (inFlight == InvocationLauncher.CANCELLED)
        {
            // The call ends here for its caller; what its executors were running is stopped and dropped.
            replies.error(caller, correlationId, ErrorCode.CANCELLED, "cancelled by its caller");
            return;
        }
        if (inFlight == InvocationLauncher.NOT_YOURS || !periodicCalls.cancel(correlationId, caller))
        {
            replies.error(caller, correlationId, ErrorCode.INVALID_ARGUMENT, "call " + correlationId + " is not yours");
            return;
        }
        // Idempotent: a call that ended (its last given time passed) or was cancelled before is acknowledged too.
        replies.ack(caller, correlationId);
    }

    /**
     * {@inheritDoc}
     */
    public void onLookedUp(final PendingLookup lookup, final PendingLookup.State after)
    {
        if (lookup.request == PendingLookup.Request.CALL_FUNCTION)
        {
            final DagDefinition single = registry.function(lookup.name);
            if (null == single)
            {
                functionMissing(lookup.correlationId, lookup.replyTo, lookup.mode, lookup.name, lookup.failure());
                return;
            }
            route(single, lookup.args, lookup.correlationId, lookup.replyTo, lookup.deadline, lookup.mode,
                lookup.periodNs, lookup.times, lookup.times.length);
            return;
        }
        final DagDefinition dag = registry.dag(lookup.name);
        if (null == dag)
        {
            refuse(lookup.replyTo, lookup.correlationId, lookup.failure() != ErrorCode.NONE ? lookup.failure() : ErrorCode.NO_SUCH_DAG,
                lookup.failure() != ErrorCode.NONE ? "the registry could not be read: " + lookup.failure() :
                "no DAG named " + lookup.name);
            return;
        }
        if (after == PendingLookup.State.READING_ENTRY &&
            registry.lookUp(lookup, PendingLookup.State.READING_FUNCTIONS, registry.unknownFunctionKeys(dag)))
        {
            // A DAG just read from the registry: learn its functions too before placing it.
            return;
        }
        launcher.start(dag, lookup.args, lookup.correlationId, lookup.mode == CallMode.NO_RETURN ? 0 : lookup.replyTo,
            lookup.replyTo, lookup.deadline, 0);
    }

    private void route(
        final DagDefinition single, final SourceArgs args, final long correlationId, final long replyTo, final long deadline,
        final CallMode mode, final long periodNs, final long[] times, final int timesCount)
    {
        if (mode == CallMode.BROADCAST)
        {
            broadcast.start(single, args, correlationId, replyTo, deadline);
        }
        else if (mode == CallMode.PERIOD)
        {
            if (periodNs <= 0 && timesCount == 0)
            {
                replies.error(replyTo, correlationId, ErrorCode.INVALID_ARGUMENT,
                    "a periodic call needs a positive period or given times");
                return;
            }
            final ErrorCode admitted = periodicCalls.admit(correlationId, replyTo, periodNs, times, timesCount, args.span());
            if (admitted != ErrorCode.NONE)
            {
                refuse(replyTo, correlationId, admitted, admitted == ErrorCode.NO_RESOURCES ?
                    "a caller may hold at most " + periodicCalls.maxCallsPerCaller() + " periodic calls, and the node at most " +
                    periodicCalls.maxCalls() + " calls and " + periodicCalls.maxBytes() + " bytes of them" :
                    "runs of a periodic call must be at least " + periodicCalls.minPeriodNs() + " ns apart");
                return;
            }
            periodicCalls.add(correlationId, replyTo, single, args, periodNs, times, timesCount);
        }
        else
        {
            launcher.start(single, args, correlationId, mode == CallMode.NO_RETURN ? 0 : replyTo, replyTo, deadline, 0);
        }
    }

    private void functionMissing(
        final long correlationId, final long replyTo, final CallMode mode, final String name, final ErrorCode failure)
    {
        if (mode == CallMode.BROADCAST)
        {
            replies.broadcastStarted(replyTo, correlationId, 0);
        }
        if (failure != ErrorCode.NONE)
        {
            refuse(replyTo, correlationId, failure, "the registry could not be read: " + failure);
        }
        else
        {
            refuse(replyTo, correlationId, ErrorCode.FUNCTION_NOT_FOUND, "no function named " + name);
        }
    }

    private void refuse(final long caller, final long correlationId, final ErrorCode code, final String detail)
    {
        counters.callsRefused.incrementRelease();
        replies.error(caller, correlationId, code, detail);
    }
}
