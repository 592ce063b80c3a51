package io.droplet.scheduler;

import org.agrona.DeadlineTimerWheel;
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

    private static final class Call
    {
        final long correlationId;
        final long caller;
        final DagDefinition dag;
        final SourceArgs args;
        final long periodNs;
        /** Epoch ns of each run, ascending, for a call at given times; null for one every period. */
        final long[] times;
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
     * Adds a periodic call; its first run is due at once (every period) or at its first given time.
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
        }
        if (wheel.timerCount() == 0)
        {
            // An idle wheel is not ticked: bring it to now rather than tick through the idle time.
            wheel.currentTickTime(nowNs);
        }
        byCorrelation.put(correlationId, call);
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

    private void schedule(final Call call, final long deadlineNs)
    {
        call.timerId = wheel.scheduleTimer(deadlineNs);
        byTimer.put(call.timerId, call);
    }
}
