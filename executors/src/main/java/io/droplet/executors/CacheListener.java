package io.droplet.executors;

import org.agrona.DirectBuffer;

/**
 * What the host's cache agent hears from the executors and schedulers of its host, decoded once by the
 * {@link CacheAdapter}. Buffers are views valid only during the call.
 * <p>
 * <b>Note:</b> called on the cache agent's thread only.
 */
interface CacheListener
{
    /**
     * An executor's miss: it wants a key's value.
     *
     * @param correlationId of the request (0: nobody waits for the answer).
     * @param executor      to answer.
     * @param buffer        holding the key.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     */
    void onGet(long correlationId, long executor, DirectBuffer buffer, int keyOffset, int keyLength);

    /**
     * A function's write: merge a lattice into a key.
     *
     * @param correlationId of the write (0: not acknowledged).
     * @param executor      to acknowledge to.
     * @param buffer        holding the key and the lattice.
     * @param keyOffset     of the key.
     * @param keyLength     of the key.
     * @param valueOffset   of the lattice.
     * @param valueLength   of the lattice.
     */
    void onPut(long correlationId, long executor, DirectBuffer buffer, int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * An executor of this host heartbeated.
     *
     * @param node           the executor.
     * @param buffer         holding its endpoint, as text.
     * @param endpointOffset of the endpoint.
     * @param endpointLength of the endpoint.
     */
    void onExecutorHeartbeat(long node, DirectBuffer buffer, int endpointOffset, int endpointLength);

    /**
     * A scheduler introduced a node (control path).
     *
     * @param node          the node's id.
     * @param identity      who it is.
     * @param replyEndpoint where it receives.
     */
    void onIntroduction(long node, String identity, String replyEndpoint);
}
