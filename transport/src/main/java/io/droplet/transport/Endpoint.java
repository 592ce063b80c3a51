package io.droplet.transport;

/**
 * Where a node receives: a host (name or address), a UDP port for peers on other hosts, and a stream
 * id, which also tells apart the nodes sharing one host's IPC. Written {@code host:port/stream}.
 * Port 0 means the node is reachable over IPC only.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param host     name or address peers use.
 * @param port     UDP port, or 0 for IPC only.
 * @param streamId Aeron stream id of the node's inbound traffic.
 */
public record Endpoint(String host, int port, int streamId)
{
    /**
     * What a node reports to its error handler for a frame naming an endpoint that does not parse: one kind whatever
     * the text, so the distinct error log keeps it once with a count, and a flood of distinct malformed endpoints
     * cannot fill the log. Shares no state (no stack trace, no suppressed exceptions).
     */
    public static final RuntimeException MALFORMED = new Malformed();

    private static final class Malformed extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Malformed()
        {
            super("a frame named an endpoint that is not host:port/stream", null, false, false);
        }
    }

    /**
     * Validates the parts.
     */
    public Endpoint
    {
        if (null == host || host.isEmpty() || host.indexOf('/') >= 0 || host.indexOf('|') >= 0)
        {
            throw new IllegalArgumentException("invalid host: " + host);
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("invalid port: " + port);
        }
        if (streamId == 0)
        {
            throw new IllegalArgumentException("stream id 0 is reserved");
        }
    }

    /**
     * @param text {@code host:port/stream}.
     * @return the endpoint.
     * @throws IllegalArgumentException if the text is not an endpoint.
     */
    public static Endpoint parse(final String text)
    {
        final int slash = text.lastIndexOf('/');
        final int colon = text.lastIndexOf(':', slash);
        if (slash < 0 || colon < 0)
        {
            throw new IllegalArgumentException("endpoint must be host:port/stream: " + text);
        }
        try
        {
            return new Endpoint(
                text.substring(0, colon),
                Integer.parseInt(text.substring(colon + 1, slash)),
                Integer.parseInt(text.substring(slash + 1)));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("endpoint must be host:port/stream: " + text, ex);
        }
    }

    /**
     * @return {@code host:port/stream}.
     */
    public String toString()
    {
        return host + ":" + port + "/" + streamId;
    }
}
