package io.droplet.executors;

import io.droplet.transport.TransportCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of one executor, in Aeron's CnC file so {@code droplet stat} reads them from outside.
 * <p>
 * <b>Note:</b> single writer (the executor's thread); readable from any thread or process.
 */
public final class ExecutorCounters implements AutoCloseable
{
    /** Type id of the first executor counter. */
    public static final int TYPE_ID_BASE = 7160;

    /** Stages run to completion. */
    public final AtomicCounter stagesRun;
    /** Stages that ended in an error sent to the caller. */
    public final AtomicCounter stagesFailed;
    /** Outputs that could not be delivered. */
    public final AtomicCounter undeliverable;
    /** Fan-in stages waiting for parents. */
    public final AtomicCounter fanInsWaiting;
    /** Messages functions sent to other executors' mailboxes. */
    public final AtomicCounter messagesSent;
    /** Messages stored in this executor's mailbox. */
    public final AtomicCounter messagesReceived;
    /** Messages dropped: mailbox full, too large, unknown address or link refused. */
    public final AtomicCounter messagesDropped;
    /** Key accesses refused: a function (or a reference in its arguments) named a key outside its namespace. */
    public final AtomicCounter keysRefused;

    /**
     * @param allocator of counters.
     * @param name      of the executor, for labels.
     */
    public ExecutorCounters(final TransportCounters.Allocator allocator, final String name)
    {
        stagesRun = allocator.allocate(TYPE_ID_BASE, "droplet " + name + ": executor stages run");
        stagesFailed = allocator.allocate(TYPE_ID_BASE + 1, "droplet " + name + ": executor stages failed");
        undeliverable = allocator.allocate(TYPE_ID_BASE + 2, "droplet " + name + ": executor outputs undeliverable");
        fanInsWaiting = allocator.allocate(TYPE_ID_BASE + 3, "droplet " + name + ": executor fan-ins waiting");
        messagesSent = allocator.allocate(TYPE_ID_BASE + 4, "droplet " + name + ": executor messages sent");
        messagesReceived = allocator.allocate(TYPE_ID_BASE + 5, "droplet " + name + ": executor messages received");
        messagesDropped = allocator.allocate(TYPE_ID_BASE + 6, "droplet " + name + ": executor messages dropped");
        keysRefused = allocator.allocate(TYPE_ID_BASE + 7, "droplet " + name + ": executor keys refused (other namespace)");
    }

    /**
     * Frees the counters.
     */
    public void close()
    {
        CloseHelper.closeAll(stagesRun, stagesFailed, undeliverable, fanInsWaiting, messagesSent, messagesReceived, messagesDropped,
            keysRefused);
    }
}
