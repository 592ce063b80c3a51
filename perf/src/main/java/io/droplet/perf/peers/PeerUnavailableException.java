package io.droplet.perf.peers;

/**
 * The peer cannot run on this machine (its runtime is missing and cannot be installed); the harness
 * reports the reason and goes on with the other peers.
 * <p>
 * <b>Note:</b> immutable, thread-safe.
 */
public final class PeerUnavailableException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why the peer cannot run, for the report.
     */
    public PeerUnavailableException(final String reason)
    {
        super(reason);
    }
}
