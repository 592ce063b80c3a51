package io.droplet.client;

import io.droplet.codecs.sbe.CallMode;

/**
 * What a call sends (a CallFunction or a CallDag), kept by its request so a back-pressured call can be
 * encoded again on a later duty cycle.
 * <p>
 * <b>Note:</b> implementations are immutable.
 */
interface CallMessage
{
    /**
     * @param publisher     to send with.
     * @param correlationId of the call.
     * @return a send status.
     */
    int send(RequestPublisher publisher, long correlationId);

    /**
     * @return the call mode.
     */
    CallMode mode();
}
