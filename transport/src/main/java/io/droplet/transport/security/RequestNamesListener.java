package io.droplet.transport.security;

import org.agrona.DirectBuffer;

/**
 * Told each name (function, DAG or key) a client's request carries, by {@link RequestNamesAdapter}.
 * <p>
 * <b>Note:</b> called on the polling thread only; the buffer is valid only during the call.
 */
@FunctionalInterface
public interface RequestNamesListener
{
    /**
     * @param buffer holding the name.
     * @param offset of its first byte.
     * @param length of the name in bytes.
     */
    void onName(DirectBuffer buffer, int offset, int length);
}
