package io.droplet.executors;

import io.droplet.api.FunctionState;
import io.droplet.api.Invocation;
import io.droplet.api.Mailbox;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The executor's reused {@link Invocation}: arguments read from the trigger (or the fan-in buffer),
 * result written into the executor's result buffer.
 * <p>
 * <b>Note:</b> not thread-safe; one per executor agent for short functions, and one per {@link PooledRun}.
 */
final class StageInvocation implements Invocation
{
    private final ValueReader args = new ValueReader();
    private final ValueWriter result = new ValueWriter();
    private int argCount;
    private FunctionState state;
    private Mailbox mailbox;
    private long invocationId;
    private int stage;

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
     */
    void wrap(
        final DirectBuffer argsBuffer, final int argsOffset, final int argsLength,
        final MutableDirectBuffer resultBuffer, final int resultCapacity,
        final long invocationId, final int stage)
    {
        args.wrap(argsBuffer, argsOffset, argsLength);
        argCount = args.enterList();
        result.wrap(resultBuffer, 0, resultCapacity);
        this.invocationId = invocationId;
        this.stage = stage;
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
}
