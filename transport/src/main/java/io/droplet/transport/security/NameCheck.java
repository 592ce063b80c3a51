package io.droplet.transport.security;

import org.agrona.DirectBuffer;

/**
 * Checks that every function, DAG and key a client's request names lies in the client's namespace,
 * reading the names in place through a {@link RequestNamesAdapter} (no allocation: calls, gets and puts
 * pass here). Runs on frames the {@link io.droplet.codecs.FrameValidator} accepted, so every length read
 * is within the frame.
 * <p>
 * <b>Note:</b> not thread-safe (reused flyweights); one per inbound adapter.
 */
public final class NameCheck implements RequestNamesListener
{
    private final RequestNamesAdapter names = new RequestNamesAdapter(this);
    private byte[] prefix;
    private boolean owned;

    /**
     * @param prefix     of the client's namespace ({@link Namespaces#prefix}).
     * @param templateId of the (valid) frame.
     * @param buffer     holding it.
     * @param offset     of its header.
     * @return true if every name in it is in the namespace (true for templates that name nothing).
     */
    public boolean allows(final byte[] prefix, final int templateId, final DirectBuffer buffer, final int offset)
    {
        this.prefix = prefix;
        owned = true;
        // The frame's length is not needed: the validator has bounded every name within it already.
        names.onFrame(templateId, buffer, offset, buffer.capacity() - offset);
        this.prefix = null;
        return owned;
    }

    /**
     * {@inheritDoc}
     */
    public void onName(final DirectBuffer buffer, final int offset, final int length)
    {
        owned &= Namespaces.owns(prefix, buffer, offset, length);
    }
}
