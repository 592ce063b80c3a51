package io.droplet.api.lattice;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LWW_HEADER_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static io.droplet.api.lattice.LatticeMerger.TOO_LARGE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Merges of the lattices whose merge picks one side whole (LWW, MAX, BOOL, PRIORITY): the inputs are
 * compared in place and the winner copied, already canonical. Part of {@link LatticeMerger}.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class WinnerMerges
{
    private WinnerMerges()
    {
    }

    /**
     * The winner of a lattice whose merge picks one side whole is copied whole: it is already
     * canonical.
     */
    static int copyWinner(
        final boolean firstWins,
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int outCapacity)
    {
        final int length = firstWins ? aLength : bLength;
        if (length > outCapacity)
        {
            return TOO_LARGE;
        }
        out.putBytes(outOffset, firstWins ? a : b, firstWins ? aOffset : bOffset, length);
        return length;
    }

    /**
     * @return the order of two LWW writes by (timestamp, node, value).
     */
    static int compareLww(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength)
    {
        final int aHeader = aOffset + TAG_LENGTH;
        final int bHeader = bOffset + TAG_LENGTH;
        int result = Long.compare(a.getLong(aHeader, LITTLE_ENDIAN), b.getLong(bHeader, LITTLE_ENDIAN));
        if (0 == result)
        {
            result = Long.compare(
                a.getLong(aHeader + LONG_LENGTH, LITTLE_ENDIAN), b.getLong(bHeader + LONG_LENGTH, LITTLE_ENDIAN));
        }
        if (0 == result)
        {
            // The value fills the rest of the encoding after its length field.
            final int aValue = aHeader + LWW_HEADER_LENGTH + INT_LENGTH;
            final int bValue = bHeader + LWW_HEADER_LENGTH + INT_LENGTH;
            result = LatticeLayout.compareBytes(
                a, aValue, aOffset + aLength - aValue, b, bValue, bOffset + bLength - bValue);
        }
        return result;
    }

    /**
     * @return positive if {@code a} wins (lower priority, or equal priority and larger value),
     * negative if {@code b} wins, 0 if they are equal.
     */
    static int comparePriority(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength)
    {
        final int aHeader = aOffset + TAG_LENGTH;
        final int bHeader = bOffset + TAG_LENGTH;
        // Reversed: the lower priority wins.
        final int byPriority = Double.compare(
            Double.longBitsToDouble(b.getLong(bHeader, LITTLE_ENDIAN)),
            Double.longBitsToDouble(a.getLong(aHeader, LITTLE_ENDIAN)));
        if (byPriority != 0)
        {
            return byPriority;
        }
        final int aValue = aHeader + LONG_LENGTH + INT_LENGTH;
        final int bValue = bHeader + LONG_LENGTH + INT_LENGTH;
        return LatticeLayout.compareBytes(a, aValue, aOffset + aLength - aValue, b, bValue, bOffset + bLength - bValue);
    }
}
