package io.droplet.executors;

import io.droplet.api.Mailbox;
import org.agrona.DirectBuffer;

/**
 * The executor's {@link Mailbox} as a function on the worker pool sees it. The mailbox's ring and the
 * publisher belong to the agent (one writer), so each send, and each message taken, is a call the
 * agent answers ({@link PooledRun#call}): the worker waits for it, which a pooled function may do, and
 * gets exactly what a short function would (a send to an unknown address is refused at once).
 * <p>
 * <b>Note:</b> used by the worker running its run only.
 */
final class PooledMailbox implements Mailbox
{
    private final PooledRun run;
    private final long address;

    /**
     * @param run     whose function uses this view.
     * @param address of the executor's mailbox.
     */
    PooledMailbox(final PooledRun run, final long address)
    {
        this.run = run;
        this.address = address;
    }

    public long address()
    {
        return address;
    }

    public boolean send(final long to, final DirectBuffer payload, final int offset, final int length)
    {
        run.callAddress = to;
        run.callLength = length;
        run.callBuffer.putBytes(0, payload, offset, length);
        return run.call(PooledRun.SEND) && run.callSent;
    }

    public int receive(final MessageHandler handler, final int limit)
    {
        int taken = 0;
        while (taken < limit)
        {
            // One message per call: the handler runs here, on the worker, never while the agent waits for it.
            if (!run.call(PooledRun.TAKE) || run.callLength < 0)
            {
                break;
            }
            handler.onMessage(run.callAddress, run.callBuffer, 0, run.callLength);
            taken++;
        }
        return taken;
    }
}
