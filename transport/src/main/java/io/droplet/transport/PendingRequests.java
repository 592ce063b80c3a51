package io.droplet.transport;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.TimeUnit;

/**
 * Requests in flight, by correlation id, each with a deadline. A response completes its request
 * once; a response for an id that is unknown, already completed or already expired is counted and
 * dropped; a request whose deadline passes is reported to a {@link TimeoutListener}, once.
 * <p>
 * Deadlines sit in a timer wheel (about 1 ms resolution), so tracking, completing and expiring are
 * O(1) and allocation-free.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one agent.
 */
public final class PendingRequests implements DeadlineTimerWheel.TimerHandler
{
    /** Told of each request that reached its deadline unanswered. */
    @FunctionalInterface
    public interface TimeoutListener
    {
        /**
         * @param correlationId of the request that timed out.
         */
        void onTimeout(long correlationId);
    }

    private static final long MISSING = Long.MIN_VALUE;
    private static final long TICK_RESOLUTION_NS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final DeadlineTimerWheel wheel;
    private final Long2LongHashMap timerIdByCorrelation = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap correlationByTimerId = new Long2LongHashMap(MISSING);
    private final TransportCounters counters;
    private final int capacity;
    private TimeoutListener expiryListener;

    /**
     * @param capacity  most requests in flight.
     * @param nowNs     current time on the clock deadlines use.
     * @param counters  for timeouts, unknown responses and refusals.
     */
    public PendingRequests(final int capacity, final long nowNs, final TransportCounters counters)
    {
        this.capacity = capacity;
        this.counters = counters;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL);
    }

    /**
     * Starts tracking a request.
     *
     * @param correlationId of the request, unique among those in flight.
     * @param deadlineNs    after which it times out.
     * @return true if tracked; false if too many are in flight (counted) or the id is in flight.
     */
    public boolean track(final long correlationId, final long deadlineNs)
    {
        if (timerIdByCorrelation.size() >= capacity)
        {
            counters.requestsRefused.increment();
            return false;
        }
        if (timerIdByCorrelation.containsKey(correlationId))
        {
            return false;
        }
        final long timerId = wheel.scheduleTimer(deadlineNs);
        timerIdByCorrelation.put(correlationId, timerId);
        correlationByTimerId.put(timerId, correlationId);
        return true;
    }

    /**
     * Completes a request on its response.
     *
     * @param correlationId from the response.
     * @return true if the request was in flight; false if unknown or expired (counted: drop the response).
     */
    public boolean complete(final long correlationId)
    {
        final long timerId = timerIdByCorrelation.remove(correlationId);
        if (timerId == MISSING)
        {
            counters.unknownCorrelations.increment();
            return false;
        }
        correlationByTimerId.remove(timerId);
        wheel.cancelTimer(timerId);
        return true;
    }

    /**
     * Stops tracking a request whose send failed, without counting anything.
     *
     * @param correlationId of the request.
     */
    public void cancel(final long correlationId)
    {
        final long timerId = timerIdByCorrelation.remove(correlationId);
        if (timerId != MISSING)
        {
            correlationByTimerId.remove(timerId);
            wheel.cancelTimer(timerId);
        }
    }

    /**
     * Expires requests whose deadline has passed.
     *
     * @param nowNs    current time.
     * @param listener told of each expiry.
     * @return requests expired.
     */
    public int expire(final long nowNs, final TimeoutListener listener)
    {
        if (timerIdByCorrelation.isEmpty())
        {
            // Keep the wheel's idea of now current so the next deadline is not compared with stale time.
            wheel.currentTickTime(nowNs);
            return 0;
        }
        expiryListener = listener;
        return wheel.poll(nowNs, this, Integer.MAX_VALUE);
    }

    /**
     * @return requests in flight.
     */
    public int size()
    {
        return timerIdByCorrelation.size();
    }

    /**
     * @param correlationId of a request.
     * @return true if it is in flight.
     */
    public boolean isPending(final long correlationId)
    {
        return timerIdByCorrelation.containsKey(correlationId);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final long correlationId = correlationByTimerId.remove(timerId);
        if (correlationId != MISSING)
        {
            timerIdByCorrelation.remove(correlationId);
            counters.requestsTimedOut.increment();
            expiryListener.onTimeout(correlationId);
        }
        return true;
    }
}
