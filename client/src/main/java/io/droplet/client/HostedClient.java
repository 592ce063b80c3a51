package io.droplet.client;

import io.droplet.codecs.sbe.ErrorCode;

/**
 * What a runtime that hosts a client in its own process (an in-process node) may do to that client beyond
 * what applications may: end it when the node under it failed. Kept off {@link DropletClient}, whose methods are
 * the application's.
 * <p>
 * <b>Note:</b> call {@link #fail} once, after the client's agent has stopped.
 */
public final class HostedClient
{
    private HostedClient()
    {
    }

    /**
     * Ends {@code client} for good because the in-process node it runs on failed: requests in flight and every
     * later request fail at once with {@code code}. Called once the client's agent has stopped (its node closed),
     * so nothing else touches its requests.
     *
     * @param client of the failed node.
     * @param code   typed reason, for example INTERNAL.
     * @param detail text for people: what failed.
     * @return requests in flight that were failed.
     */
    public static int fail(final DropletClient client, final ErrorCode code, final String detail)
    {
        final ClientSession session = client.session;
        session.fail(code, detail);
        return session.conductor().failAll(code, detail);
    }
}
