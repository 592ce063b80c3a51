package io.droplet.scheduler;

import org.agrona.DeadlineTimerWheel;
import io.droplet.codecs.sbe.ErrorCode;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * PERIOD calls on a timer wheel: a call every period runs at once and then each period until cancelled;
 * a call at given times (epoch ns) runs once at each of them, then ends. Only calls whose time has come
 * cost anything per duty cycle: each waits as one timer.
 * <p>
 * Each run gets a deadline: its period (every period), or the next given time, at least
 * {@code minTimedRunNs} away ({@code lastTimedRunNs} for the last one).
 * <p>
 * Bounded: a period (or the gap between two given times) under the minimum is refused INVALID_ARGUMENT, and
 * a caller holds at most a cap of periodic calls at once, and the node at most a cap of calls and of bytes of
 * them (each call's copied arguments and given times, plus {@value #CALL_OVERHEAD} for the call and its
 * timer), past which a new one is refused NO_RESOURCES (all counted): one frame asking for a run every
 * nanosecond would otherwise run a function as fast as the node can, and callers (any number of ids, on an
 * open node) could hold any number of such calls. The cap of calls also bounds the timer wheel, which grows
 * every tick's room to the most timers due in one tick (ticks per wheel x 8 bytes a call: 16 MiB at the
 * default 4,096 calls) and never shrinks.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Adding a call allocates (control path);
 * running one does not.
 */
final class PeriodicCalls implements DeadlineTimerWheel.TimerHandler
{
    /** Starts one run of a periodic call. */
    @FunctionalInterface
    interface Runner
    {
        /**
         * @param dag           the function's one-stage DAG.
         * @param args          the call's arguments.
         * @param correlationId of the periodic call (every run answers with it).
         * @param caller        who gets each run's answer.
         * @param deadline      epoch ns by which this run must finish.
         */
        void run(DagDefinition dag, SourceArgs args, long correlationId, long caller, long deadline);
    }

    /** Bytes a periodic call is accounted beside its arguments and times: the call, its timer and map entries. */
    static final int CALL_OVERHEAD = 256;

    private static final class Call
    {
        final long correlationId;
        final long caller;
        final DagDefinition dag;
        final SourceArgs args;
        final long periodNs;
        /** Epoch ns of each run, ascending, for a call at given times; null for one every period. */
        final long[] times;
        final long bytes;
        int nextTime;
        long nextNs;
        long timerId;

        Call(final long correlationId, final long caller, final DagDefinition dag, final SourceArgs args,
            final long periodNs, final long[] times)
        {
            this.correlationId = correlationId;
            this.caller = caller;
            this.dag = dag;
            this.args = args;
            this.periodNs = periodNs;
            this.times = times;
            this.bytes = accounted(args.span(), null == times ? 0 : times.length);
        }
    }

    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<Call> byCorrelation = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Call> byTimer = new Long2ObjectHashMap<>();
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final long minTimedRunNs;
    private final long lastTimedRunNs;
    private final Runner runner;
    private final Long2LongHashMap callsByCaller = new Long2LongHashMap(0);
    private long minPeriodNs = 1;
    private int maxCallsPerCaller = Integer.MAX_VALUE;
    private int maxCalls = Integer.MAX_VALUE;
    private long maxBytes = Long.MAX_VALUE;
    private long heldBytes;
    private SchedulerCounters counters;
    private long epochNow;
    private int runs;

    /**
     * @param clock          of the wheel (the scheduler's cached nano clock).
     * @param tickNs         of the wheel (a power of two).
     * @param ticksPerWheel  of the wheel (a power of two).
     * @param epochClock     of given times and run deadlines.
     * @param minTimedRunNs  shortest deadline of a run at a given time.
     * @param lastTimedRunNs deadline of the last run at given times.
     * @param runner         starts each run.
     */
    PeriodicCalls(
        final NanoClock clock, final long tickNs, final int ticksPerWheel, final EpochNanoClock epochClock,
        final long minTimedRunNs, final long lastTimedRunNs, final Runner runner)
    {
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, clock.nanoTime(), tickNs, ticksPerWheel);
        this.clock = clock;
        this.epochClock = epochClock;
        this.minTimedRunNs = minTimedRunNs;
        this.lastTimedRunNs = lastTimedRunNs;
        this.runner = runner;
    }

    /**
     * Bounds what callers may ask for.
     *
     * @param minPeriodNs       shortest period, and shortest gap between two given times, accepted.
     * @param maxCallsPerCaller periodic calls one caller may hold at once.
     * @param maxCalls          periodic calls all callers may hold at once.
     * @param maxBytes          bytes all periodic calls may hold (see {@link #CALL_OVERHEAD}).
     * @param counters          counting refusals and the calls running; null for none.
     * @return this.
     */
    PeriodicCalls limits(
        final long minPeriodNs, final int maxCallsPerCaller, final int maxCalls, final long maxBytes,
        final SchedulerCounters counters)
    {
        this.minPeriodNs = minPeriodNs;
        this.maxCallsPerCaller = maxCallsPerCaller;
        this.maxCalls = maxCalls;
        this.maxBytes = maxBytes;
        this.counters = counters;
        return this;
    }

    /**
     * Checks a periodic call against the limits before it is added.
     *
     * @param correlationId of the call (the same again replaces it, so does not count twice).
     * @param caller        asking.
     * @param periodNs      between runs, if no given times.
     * @param times         given times, epoch ns ascending, in {@code [0, timesCount)}.
     * @param timesCount    given times; 0 for a call every period.
     * @param argsBytes     bytes of the call's arguments ({@link SourceArgs#span()}).
     * @return {@link ErrorCode#NONE} to add it; INVALID_ARGUMENT (a period or gap under the minimum) or NO_RESOURCES
     * (the caller's calls at their cap, or the node's bytes of them), counted.
     */
    ErrorCode admit(
        final long correlationId, final long caller, final long periodNs, final long[] times, final int timesCount,
        final int argsBytes)
    {
        boolean tooOften = timesCount == 0 && periodNs < minPeriodNs;
        for (int i = 1; i < timesCount && !tooOften; i++)
        {
            tooOften = times[i] - times[i - 1] < minPeriodNs;
        }
        final ErrorCode code;
        if (tooOften)
        {
            code = ErrorCode.INVALID_ARGUMENT;
        }
        else
        {
            final Call previous = byCorrelation.get(correlationId);
            final boolean replacing = null != previous && previous.caller == caller;
            final long freed = null != previous ? previous.bytes : 0;
            code = (!replacing && callsByCaller.get(caller) >= maxCallsPerCaller) ||
                (null == previous && byCorrelation.size() >= maxCalls) ||
                heldBytes - freed + accounted(argsBytes, timesCount) > maxBytes ? ErrorCode.NO_RESOURCES : ErrorCode.NONE;
        }
        if (code != ErrorCode.NONE && null != counters)
        {
            counters.periodicCallsRefused.incrementRelease();
        }
        return code;
    }

    /**
     * @return shortest period accepted.
     */
    long minPeriodNs()
    {
        return minPeriodNs;
    }

    /**
     * @return periodic calls one caller may hold at once.
     */
    int maxCallsPerCaller()
    {
        return maxCallsPerCaller;
    }

    /**
     * @return periodic calls all callers may hold at once.
     */
    int maxCalls()
    {
        return maxCalls;
    }

    /**
     * @return bytes all periodic calls may hold.
     */
    long maxBytes()
    {
        return maxBytes;
    }

    /**
     * @return bytes the periodic calls running hold, as accounted against {@link #maxBytes()}.
     */
    long heldBytes()
    {
        return heldBytes;
    }

    private static long accounted(final int argsBytes, final int timesCount)
    {
        return CALL_OVERHEAD + (long)argsBytes + 8L * timesCount;
    }

    /**
     * Adds a periodic call; its first run is due at once (every period) or at its first given time. The caller
     * checks it first ({@link #admit}).
     *
     * @param correlationId of the call, by which it is cancelled.
     * @param caller        who gets each run's answer, and may cancel it.
     * @param dag           the function's one-stage DAG.
     * @param args          the call's arguments (copied).
     * @param periodNs      between runs, if no given times.
     * @param times         given times, epoch ns ascending, in {@code [0, timesCount)} (copied).
     * @param timesCount    given times; 0 for a call every period.
     */
    void add(
        final long correlationId, final long caller, final DagDefinition dag, final SourceArgs args, final long periodNs,
        final long[] times, final int timesCount)
    {
        final long nowNs = clock.nanoTime();
        final Call call = new Call(correlationId, caller, dag, args.copy(), periodNs,
            timesCount > 0 ? Arrays.copyOf(times, timesCount) : null);
        final Call previous = byCorrelation.remove(correlationId);
        if (null != previous)
        {
            // The same correlation again replaces the call, as a new request would.
            byTimer.remove(previous.timerId);
            wheel.cancelTimer(previous.timerId);
            ended(previous);
        }
        if (wheel.timerCount() == 0)
        {
            // An idle wheel is not ticked: bring it to now rather than tick through the idle time.
            wheel.currentTickTime(nowNs);
        }
        byCorrelation.put(correlationId, call);
        callsByCaller.put(caller, callsByCaller.get(caller) + 1);
        heldBytes += call.bytes;
        running();
        call.nextNs = nowNs;
        schedule(call, null == call.times ? nowNs : nowNs + (call.times[0] - epochClock.nanoTime()));
    }

    /**
     * @param correlationId of a periodic call.
     * @param caller        asking.
     * @return false if the call is another caller's (and stays); true if cancelled, or if there is no
     * such call (it ended, or was cancelled before).
     */
    boolean cancel(final long correlationId, final long caller)
    {
        final Call call = byCorrelation.get(correlationId);
        if (null == call)
        {
            return true;
        }
        if (call.caller != caller)
        {
            return false;
        }
        byCorrelation.remove(correlationId);
        byTimer.remove(call.timerId);
        wheel.cancelTimer(call.timerId);
        ended(call);
        return true;
    }

    /**
     * @param correlationId of a call.
     * @return true if it is a periodic call still running.
     */
    boolean has(final long correlationId)
    {
        return byCorrelation.containsKey(correlationId);
    }

    /**
     * @return periodic calls running.
     */
    int size()
    {
        return byCorrelation.size();
    }

    /**
     * Runs the calls whose time has come.
     *
     * @param nowNs now on the wheel's clock.
     * @return runs started.
     */
    int poll(final long nowNs)
    {
        if (wheel.timerCount() == 0)
        {
            return 0;
        }
        runs = 0;
        epochNow = epochClock.nanoTime();
        // A poll expires the current tick's due timers, then moves one tick on if now is past it: poll again
        // while it moved, so a duty cycle catches up with now and expires the tick now falls in.
        long tickTime;
        do
        {
            tickTime = wheel.currentTickTime();
            wheel.poll(nowNs, this, Integer.MAX_VALUE);
        }
        while (wheel.timerCount() > 0 && wheel.currentTickTime() != tickTime);
        return runs;
    }

    /**
     * {@inheritDoc}
     */
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final Call call = byTimer.remove(timerId);
        if (null == call)
        {
            return true;
        }
        if (null != call.times)
        {
            // At given times: run each instant that has come; the deadline is the next instant.
            while (call.nextTime < call.times.length && epochNow - call.times[call.nextTime] >= 0)
            {
                final int run = call.nextTime++;
                final long deadline = run + 1 < call.times.length ?
                    Math.max(call.times[run + 1], epochNow + minTimedRunNs) : epochNow + lastTimedRunNs;
                runner.run(call.dag, call.args, call.correlationId, call.caller, deadline);
                runs++;
            }
            if (call.nextTime == call.times.length)
            {
                byCorrelation.remove(call.correlationId);
                ended(call);
                return true;
            }
            schedule(call, now + (call.times[call.nextTime] - epochNow));
            return true;
        }
        // Each run must finish within its period: that is its deadline.
        runner.run(call.dag, call.args, call.correlationId, call.caller, epochNow + call.periodNs);
        runs++;
        call.nextNs = now - call.nextNs > call.periodNs ? now + call.periodNs : call.nextNs + call.periodNs;
        schedule(call, call.nextNs);
        return true;
    }

    /**
     * @param caller of periodic calls.
     * @return its periodic calls running.
     */
    int callsOf(final long caller)
    {
        return (int)callsByCaller.get(caller);
    }

    private void ended(final Call call)
    {
        heldBytes -= call.bytes;
        final long left = callsByCaller.get(call.caller) - 1;
        if (left <= 0)
        {
            callsByCaller.remove(call.caller);
        }
        else
        {
            callsByCaller.put(call.caller, left);
        }
        running();
    }

    private void running()
    {
        if (null != counters)
        {
            counters.periodicCalls.setRelease(byCorrelation.size());
        }
    }

    private void schedule(final Call call, final long deadlineNs)
    {
        call.timerId = wheel.scheduleTimer(deadlineNs);
        byTimer.put(call.timerId, call);
    }
}
