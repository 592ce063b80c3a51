package io.droplet.store.node;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A key's bytes as a hash-map key, compared by content. Made on the control and replication paths
 * (dirty sets, subscriptions), never per get.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
final class ByteKey
{
    private final byte[] bytes;
    private final int hash;

    ByteKey(final byte[] bytes)
    {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    static ByteKey copyOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new ByteKey(bytes);
    }

    byte[] bytes()
    {
        return bytes;
    }

    public boolean equals(final Object other)
    {
        return other instanceof ByteKey && Arrays.equals(bytes, ((ByteKey)other).bytes);
    }

    public int hashCode()
    {
        return hash;
    }
}
