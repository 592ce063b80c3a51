package io.droplet.store.node;

import io.droplet.store.storage.LatticeStore;
import org.agrona.ErrorHandler;

/**
 * Says, once at start, what opening the store cost: a map file set aside as damaged (the node starts
 * empty), or entries dropped as corrupt by recovery; and whether the key's other replicas can bring them
 * back (they do, by the catch-up a restarted node's hello starts) or, on a ring with no other replica,
 * that they are lost. Written to the error log (counted there with the store's counters) and to standard
 * error, where an operator or a service manager's journal sees it.
 * <p>
 * <b>Note:</b> stateless; called by the node's constructor.
 */
final class StoreLossReport
{
    private StoreLossReport()
    {
    }

    static void report(
        final LatticeStore store, final long nodeId, final int replicationFactor, final int ringSize,
        final ErrorHandler errorHandler)
    {
        final boolean replicated = replicationFactor > 1 && ringSize > 1;
        final String comeBack = replicated ?
            " Their keys come back from their other replicas by gossip as this node catches up." :
            " This store has no other replica (replication factor " + replicationFactor + ", " + ringSize +
            " storage node(s)): what it lost is lost.";
        final String message;
        if (null != store.movedAside())
        {
            message = "storage node " + nodeId + ": the store file was damaged beyond recovery (" + store.damage() +
                "; " + store.recoveryReason() + "): set aside as " + store.movedAside().getAbsolutePath() + " (" +
                store.movedAsideLength() + " bytes, kept for forensics) and the node started with an empty store." +
                (replicated ? comeBack : comeBack + " Every value of that file is lost: reads of keys this store held " +
                "answer DATA_LOST (known from its written-keys filter, which also answers so for about 1 % of keys never " +
                "written).");
        }
        else if (store.droppedAtRecovery() > 0)
        {
            message = "storage node " + nodeId + ": recovering the store (" + store.recoveryReason() + ") dropped " +
                store.droppedAtRecovery() + " entries as corrupt; " + store.lostKeyCount() + " keys are known lost (listed " +
                "in the data directory's lost-keys file) and reads of them answer DATA_LOST until they have a value " +
                "again" + (store.lostUnnamed() ? "; since some losses could not be named, any absent key this store held " +
                "(by its written-keys filter) reads DATA_LOST too" : "") + "." + comeBack;
        }
        else if (store.lostKeyCount() > 0)
        {
            message = "storage node " + nodeId + ": " + store.lostKeyCount() + " keys lost to corruption earlier have " +
                "no value again yet; reads of them answer DATA_LOST." + comeBack;
        }
        else
        {
            return;
        }
        System.err.println(message);
        System.err.flush();
        errorHandler.onError(new IllegalStateException(message));
    }
}
