package io.droplet.client;

import io.droplet.codecs.sbe.CallMode;

/**
 * What a CallDag carries, kept by the request that sends it so a back-pressured call can be encoded again
 * on a later duty cycle.
 * <p>
 * <b>Note:</b> immutable once made (the arrays are not shared).
 *
 * @param dag      name on the wire, UTF-8.
 * @param stages   of the sources given arguments.
 * @param args     encoded argument list of each of those sources.
 * @param mode     call mode.
 * @param deadline epoch time after which the result is of no use.
 */
record DagCallMessage(byte[] dag, int[] stages, byte[][] args, CallMode mode, long deadline) implements CallMessage
{
    /**
     * @param publisher     to send with.
     * @param correlationId of the call.
     * @return a send status.
     */
    public int send(final RequestPublisher publisher, final long correlationId)
    {
        return publisher.callDag(correlationId, deadline, mode, dag, stages, args);
    }
}
