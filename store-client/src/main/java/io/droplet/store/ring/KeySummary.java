package io.droplet.store.ring;

import org.agrona.DirectBuffer;

/**
 * A Bloom filter of the keys a host's cache holds, sent to schedulers in heartbeats so they can place
 * an invocation where most of its referenced keys are already cached. False positives are possible
 * (a key seems cached but is not: the executor fetches it); false negatives are not.
 * <p>
 * 8,192 bits, 3 probes derived from the key's ring hash ({@link HashRing#hash}).
 * <p>
 * <b>Note:</b> static helpers over caller-owned bytes: thread-safe for readers of an unchanging array.
 */
public final class KeySummary
{
    /** Bits in a summary. */
    public static final int BITS = 8192;
    /** Bytes in a summary. */
    public static final int BYTES = BITS / 8;
    private static final int PROBES = 3;

    private KeySummary()
    {
    }

    /**
     * @param summary  of {@link #BYTES} bytes.
     * @param keyHash  {@link HashRing#hash} of the key.
     */
    public static void add(final byte[] summary, final long keyHash)
    {
        final int h1 = (int)keyHash;
        final int h2 = (int)(keyHash >>> 32) | 1;
        for (int i = 0; i < PROBES; i++)
        {
            final int bit = (h1 + i * h2) & (BITS - 1);
            summary[bit >>> 3] |= (byte)(1 << (bit & 7));
        }
    }

    /**
     * @param summary buffer holding a summary.
     * @param offset  of its first byte.
     * @param length  of the summary; anything but {@link #BYTES} means "knows nothing".
     * @param keyHash {@link HashRing#hash} of the key.
     * @return true if the key may be cached; false if it certainly is not.
     */
    public static boolean mightContain(final DirectBuffer summary, final int offset, final int length, final long keyHash)
    {
        if (length != BYTES)
        {
            return false;
        }
        final int h1 = (int)keyHash;
        final int h2 = (int)(keyHash >>> 32) | 1;
        for (int i = 0; i < PROBES; i++)
        {
            final int bit = (h1 + i * h2) & (BITS - 1);
            if ((summary.getByte(offset + (bit >>> 3)) & (1 << (bit & 7))) == 0)
            {
                return false;
            }
        }
        return true;
    }
}
