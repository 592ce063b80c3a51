package io.droplet.executors;

import io.droplet.api.DropletException;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Values;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The executor's side of calls its running functions make ({@link PooledCalls}): functions hand their calls over
 * through a bounded many-to-one queue; the agent gives each a correlation id of the nested-call space
 * ({@link #owns}), sends it to a scheduler as a client's call with this executor as the caller, keeps it until its
 * answer (a {@code Result} or an {@code Error} sent to this executor) or its deadline (TIMEOUT), and completes its
 * future on the completion executor, never on the agent: a callback a function chains on it cannot hold the duty
 * cycle. A call whose link is not ready is kept and tried again each cycle until its deadline. At most
 * {@code maxInFlight} calls are out at once, the rest wait in the queue (a function mapping over many inputs
 * waits for room): a burst of calls must not keep the link to the scheduler full, or the executor's heartbeats,
 * which are tried once, would not get through and the executor would be taken for dead.
 * <p>
 * Allocation: a nested call is an object and a future, and its answer is decoded into Java values, as a client's
 * call is; the agent's queue, table and sends reuse their storage.
 * <p>
 * <b>Note:</b> {@link #offer} is the workers' (any thread); everything else the agent's.
 */
final class NestedCalls
{
    /** Set in the correlation ids of nested calls, which share the executor's inbound stream with the cache's. */
    static final long CORRELATION_BIT = 1L << 62;
    /** Answers are decoded with the built-in value types only: an executor knows no client's extension codecs. */
    private static final CodecRegistry NO_CODECS = new CodecRegistry();

    private final ExecutorSends sends;
    private final Heartbeats heartbeats;
    private final EpochNanoClock clock;
    private final Executor completions;
    private final ExecutorCounters counters;
    private final ManyToOneConcurrentArrayQueue<NestedCall> requests;
    private final Long2ObjectHashMap<NestedCall> inFlight = new Long2ObjectHashMap<>();
    private final ArrayDeque<NestedCall> unsent = new ArrayDeque<>();
    private final long expiryPeriodNs;
    private final int maxInFlight;
    private long nextCorrelation;
    private long nextExpiryNs;

    /**
     * @param sends          to encode with.
     * @param heartbeats     whose first scheduler takes the calls.
     * @param clock          epoch clock deadlines are read against.
     * @param completions    where futures are completed.
     * @param counters       of the executor.
     * @param queueCapacity  calls that may wait for the agent.
     * @param expiryPeriodNs how often calls are checked against their deadlines.
     * @param maxInFlight    calls out at once, sent and not answered.
     */
    NestedCalls(
        final ExecutorSends sends, final Heartbeats heartbeats, final EpochNanoClock clock, final Executor completions,
        final ExecutorCounters counters, final int queueCapacity, final long expiryPeriodNs, final int maxInFlight)
    {
        this.maxInFlight = maxInFlight;
        this.sends = sends;
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.completions = completions;
        this.counters = counters;
        this.requests = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
        this.expiryPeriodNs = expiryPeriodNs;
    }

    /**
     * @param correlationId of an answer to this executor.
     * @return true if it answers a nested call.
     */
    static boolean owns(final long correlationId)
    {
        return 0 != (correlationId & CORRELATION_BIT);
    }

    /**
     * Hands a call to the agent (a worker's thread).
     *
     * @return false if the queue is full: try again.
     */
    boolean offer(final NestedCall call)
    {
        return requests.offer(call);
    }

    /**
     * Sends the calls handed over and those kept; ends those past their deadline.
     *
     * @param nowNs of the agent's nano clock.
     * @return calls sent or ended.
     */
    int poll(final long nowNs)
    {
        int work = 0;
        while (!unsent.isEmpty() && trySend(unsent.peekFirst()))
        {
            unsent.pollFirst();
            work++;
        }
        NestedCall call;
        while (inFlight.size() < maxInFlight && null != (call = requests.poll()))
        {
            call.correlationId = CORRELATION_BIT | ++nextCorrelation;
            inFlight.put(call.correlationId, call);
            counters.nestedCalls.incrementRelease();
            if (!unsent.isEmpty() || !trySend(call))
            {
                unsent.addLast(call);
            }
            work++;
        }
        if ((!inFlight.isEmpty()) && nowNs - nextExpiryNs >= 0)
        {
            nextExpiryNs = nowNs + expiryPeriodNs;
            work += expire(clock.nanoTime());
        }
        return work;
    }

    /**
     * A nested call's result reached this executor.
     */
    void onResult(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final NestedCall call = inFlight.remove(correlationId);
        if (null == call)
        {
            return;
        }
        unsent.remove(call);
        final Object value;
        try
        {
            value = Values.fromBuffer(buffer, offset, length, NO_CODECS);
        }
        catch (final RuntimeException ex)
        {
            fail(call, ErrorCode.MALFORMED, "the result is not a valid value: " + ex.getMessage());
            return;
        }
        completions.execute(() -> call.future.complete(value));
    }

    /**
     * A nested call's typed error reached this executor.
     */
    void onError(final long correlationId, final ErrorCode code)
    {
        final NestedCall call = inFlight.remove(correlationId);
        if (null != call)
        {
            unsent.remove(call);
            fail(call, code, "the call failed");
        }
    }

    /**
     * @return calls sent or waiting to be, not yet answered.
     */
    int inFlight()
    {
        return inFlight.size();
    }

    private int expire(final long epochNowNs)
    {
        int expired = 0;
        final Long2ObjectHashMap<NestedCall>.ValueIterator values = inFlight.values().iterator();
        while (values.hasNext())
        {
            final NestedCall call = values.next();
            if (epochNowNs - call.deadline > 0)
            {
                values.remove();
                unsent.remove(call);
                fail(call, ErrorCode.TIMEOUT, "no answer before the deadline");
                expired++;
            }
        }
        return expired;
    }

    private boolean trySend(final NestedCall call)
    {
        if (0 == heartbeats.schedulers())
        {
            inFlight.remove(call.correlationId);
            fail(call, ErrorCode.NOT_CONNECTED, "this executor knows no scheduler");
            return true;
        }
        final long scheduler = heartbeats.schedulerIds()[0];
        final int status = call.dag ?
            sends.callDag(scheduler, call.correlationId, call.deadline, call.name, call.args) :
            sends.callFunction(scheduler, call.correlationId, call.deadline, call.name, call.args);
        if (status == SendStatus.OK)
        {
            return true;
        }
        if (status == SendStatus.PAYLOAD_TOO_LARGE)
        {
            inFlight.remove(call.correlationId);
            fail(call, ErrorCode.PAYLOAD_TOO_LARGE, "the call's arguments exceed the message limit");
            return true;
        }
        return false;
    }

    private void fail(final NestedCall call, final ErrorCode code, final String detail)
    {
        final DropletException failure = new DropletException(code, detail);
        completions.execute(() -> call.future.completeExceptionally(failure));
    }
}
