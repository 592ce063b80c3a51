package io.droplet.api.lattice;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string, ordered unsigned lexicographically with a proper prefix first: the order
 * the lattice encoding sorts byte strings in.
 * <p>
 * Lattice records hold {@code Bytes} rather than {@code byte[]} so that they are immutable and
 * compare by content.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class Bytes implements Comparable<Bytes>
{
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;

    private Bytes(final byte[] bytes)
    {
        this.bytes = bytes;
    }

    /**
     * @param bytes to copy.
     * @return a byte string holding a copy of {@code bytes}.
     */
    public static Bytes of(final byte[] bytes)
    {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    /**
     * @param text to encode.
     * @return the UTF-8 encoding of {@code text}.
     */
    public static Bytes ofUtf8(final String text)
    {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Takes ownership of an array nobody else holds, without copying it.
     */
    static Bytes wrap(final byte[] bytes)
    {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes);
    }

    /**
     * The backing array, for the codec; never to be modified or handed out.
     */
    byte[] array()
    {
        return bytes;
    }

    /**
     * @return the number of bytes.
     */
    public int length()
    {
        return bytes.length;
    }

    /**
     * @param index of the byte, from 0.
     * @return the byte at {@code index}.
     */
    public byte byteAt(final int index)
    {
        return bytes[index];
    }

    /**
     * @return a copy of the bytes.
     */
    public byte[] toByteArray()
    {
        return bytes.clone();
    }

    /**
     * @return the bytes decoded as UTF-8 (malformed input is replaced, as by {@link String#String(byte[],
     * java.nio.charset.Charset)}).
     */
    public String toUtf8()
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Orders byte strings unsigned lexicographically, a proper prefix before the longer string.
     *
     * @param other to compare with.
     * @return negative, zero or positive as this is before, equal to or after {@code other}.
     */
    public int compareTo(final Bytes other)
    {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    /**
     * Orders byte strings as their encodings (int32 little-endian length, then the bytes) are ordered
     * when compared unsigned lexicographically: by length first, in the byte order of the length
     * field, then by content.
     */
    static int compareEncoded(final Bytes a, final Bytes b)
    {
        final int byLength = VectorClock.compareLittleEndian(a.bytes.length, b.bytes.length);
        return byLength != 0 ? byLength : Arrays.compareUnsigned(a.bytes, b.bytes);
    }

    /**
     * @param other object.
     * @return true if {@code other} is a byte string with the same content.
     */
    public boolean equals(final Object other)
    {
        return other instanceof Bytes && Arrays.equals(bytes, ((Bytes)other).bytes);
    }

    /**
     * @return a hash of the content.
     */
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    /**
     * @return the bytes in hex, for diagnostics.
     */
    public String toString()
    {
        final StringBuilder builder = new StringBuilder(2 + bytes.length * 2).append("0x");
        for (final byte b : bytes)
        {
            builder.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        return builder.toString();
    }
}
