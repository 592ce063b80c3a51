package io.droplet.client;

import io.droplet.codecs.sbe.CallMode;

/**
 * What a CallFunction carries, kept by the request that sends it so a back-pressured call can be encoded
 * again on a later duty cycle.
 * <p>
 * <b>Note:</b> immutable once made (the arrays are not shared).
 *
 * @param function name on the wire, UTF-8.
 * @param args     encoded argument list.
 * @param mode     call mode.
 * @param deadline epoch time after which the result is of no use (0 for none).
 * @param periodNs between runs of a PERIOD call, else 0.
 * @param times    epoch times of a PERIOD call at given times, else empty.
 */
record FunctionCallMessage(byte[] function, byte[] args, CallMode mode, long deadline, long periodNs, long[] times) implements CallMessage
{
    /**
     * @param publisher     to send with.
     * @param correlationId of the call.
     * @return a send status.
     */
    public int send(final RequestPublisher publisher, final long correlationId)
    {
        return publisher.callFunction(correlationId, deadline, mode, periodNs, times, function, args);
    }
}
