package io.droplet.executors;

import io.droplet.api.FunctionCalls;
import io.droplet.api.FunctionState;
import io.droplet.api.Invocation;
import io.droplet.api.Mailbox;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;

/**
 * The executor's reused {@link Invocation}: arguments read from the trigger (or the fan-in buffer),
 * result written into the executor's result buffer.
 * <p>
 * <b>Note:</b> not thread-safe; one per executor agent for short functions, and one per {@link PooledRun},
 * except {@link #cancel()} and {@link #isCancelled()}, which the agent and the running worker share.
 */
final class StageInvocation implements Invocation
{
    private final ValueReader args = new ValueReader();
    private final ValueWriter result = new ValueWriter();
    private int argCount;
    private FunctionState state;
    private Mailbox mailbox;
    private FunctionCalls calls;
    private boolean movedToPool;
    private final EpochNanoClock clock;
    private long invocationId;
    private int stage;
    private long deadlineNs;
    private int attempt;
    private volatile boolean cancelled;
    private DirectBuffer argsBuffer;
    private int argsOffset;
    private int argsLength;
    private MutableDirectBuffer resultBuffer;
    private int resultCapacity;

    /**
     * @param clock deadlines are read against.
     */
    StageInvocation(final EpochNanoClock clock)
    {
        this.clock = clock;
    }

    /**
     * Prepares a run.
     *
     * @param argsBuffer     holding the arguments as a LIST value.
     * @param argsOffset     of the LIST.
     * @param argsLength     of the LIST.
     * @param resultBuffer   for the result.
     * @param resultCapacity bytes available for the result.
     * @param invocationId   of the DAG invocation.
     * @param stage          being run.
     * @param deadlineNs     of the invocation, epoch nanoseconds; 0 for none.
     * @param attempt        of the invocation.
     */
    void wrap(
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength,
        final MutableDirectBuffer resultBuffer, final int resultCapacity,
        final long invocationId, final int stage, final long deadlineNs, final int attempt)
    {
        this.argsBuffer = argsBuffer;
        this.argsOffset = argsOffset;
        this.argsLength = argsLength;
        this.resultBuffer = resultBuffer;
        this.resultCapacity = resultCapacity;
        args.wrap(argsBuffer, argsOffset, argsLength);
        argCount = args.enterList();
        result.wrap(resultBuffer, 0, resultCapacity);
        this.invocationId = invocationId;
        this.stage = stage;
        this.deadlineNs = deadlineNs;
        this.attempt = attempt;
        if (cancelled)
        {
            // A volatile read is free on the inline path; a volatile write on every run would not be.
            cancelled = false;
        }
        this.movedToPool = false;
    }

    /**
     * Prepares a retry of the same run: the arguments read from the start again, an empty result, the next
     * attempt; a cancel stays.
     *
     * @param attempt of the retry.
     */
    void retry(final int attempt)
    {
        args.wrap(argsBuffer, argsOffset, argsLength);
        argCount = args.enterList();
        result.wrap(resultBuffer, 0, resultCapacity);
        this.attempt = attempt;
    }

    /**
     * Cancels the run (the agent's thread): the function sees it at its next {@link #isCancelled()}.
     */
    void cancel()
    {
        cancelled = true;
    }

    public int argCount()
    {
        return argCount;
    }

    public ValueReader args()
    {
        return args;
    }

    public ValueWriter result()
    {
        return result;
    }

    public long invocationId()
    {
        return invocationId;
    }

    public int stage()
    {
        return stage;
    }

    public long deadlineNs()
    {
        return deadlineNs;
    }

    public boolean isCancelled()
    {
        return cancelled || (0 != deadlineNs && clock.nanoTime() - deadlineNs > 0);
    }

    public int attempt()
    {
        return attempt;
    }

    void state(final FunctionState state)
    {
        this.state = state;
    }

    public FunctionState state()
    {
        return state;
    }

    void mailbox(final Mailbox mailbox)
    {
        this.mailbox = mailbox;
    }

    public Mailbox mailbox()
    {
        return mailbox;
    }

    /**
     * @param calls of a pooled run; null for the agent's inline invocation, whose function is moved to the pool.
     */
    void calls(final FunctionCalls calls)
    {
        this.calls = calls;
    }

    public FunctionCalls calls()
    {
        if (null == calls)
        {
            movedToPool = true;
            throw MovedToPool.INSTANCE;
        }
        return calls;
    }

    /**
     * @return true if the function asked for {@link #calls()} where it may not call (inline), even if it caught
     * the {@link MovedToPool} thrown.
     */
    boolean movedToPool()
    {
        return movedToPool;
    }
}
