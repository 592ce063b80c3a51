package io.droplet.store.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.store.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.store.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.store.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.store.lattice.LatticeLayout.LWW_HEADER_LENGTH;
import static io.droplet.store.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Merges two encoded lattices into a third buffer: the storage node's data path for every write. The
 * result is canonical, so a caller detects "the write changed nothing" by comparing it with the stored
 * bytes.
 * <p>
 * Every type is merged on the encodings, without decoding and without allocating. LWW, MAX, BOOL
 * and PRIORITY compare the inputs in place and copy the winner. SET, ORDERED_SET and VECTOR_CLOCK
 * merge their sorted entries in one linear pass straight into the output. MAP merges its sorted keys
 * the same way and merges the values of common keys recursively into the output. The causal types
 * merge their sorted versions the same way, dropping on the way each version the other side
 * dominates; that is quadratic in the number of versions. The object model ({@link Lattice}) is a
 * separate implementation of the same merges, and the tests hold the two to the same bytes.
 * <p>
 * Failures are return codes, never exceptions: {@link #TYPE_MISMATCH}, {@link #INVALID},
 * {@link #TOO_LARGE}.
 * <p>
 * <b>Note:</b> not thread-safe by contract, one merger per agent, so that scratch state can be added
 * without changing callers; today it holds none.
 */
public final class LatticeMerger
{
    /** The inputs have different tags, or a key both maps hold has values of different types. */
    public static final int TYPE_MISMATCH = -1;
    /** An input fails {@link LatticeValidator}. */
    public static final int INVALID = -2;
    /** The result does not fit the output capacity. */
    public static final int TOO_LARGE = -3;

    /**
     * Merges encoded lattices {@code a} and {@code b} (each tag + payload) into {@code out}. Both
     * inputs are validated first, so they may come straight off the wire.
     * <p>
     * {@code a}, {@code b} and {@code out} must not overlap, and {@code [outOffset, outOffset +
     * outCapacity)} must lie inside {@code out}. On a negative return, {@code out} may hold partial
     * output.
     *
     * @param a           holding the first lattice.
     * @param aOffset     of its tag.
     * @param aLength     of its encoding.
     * @param b           holding the second lattice.
     * @param bOffset     of its tag.
     * @param bLength     of its encoding.
     * @param out         to write the merged lattice into.
     * @param outOffset   of the merged lattice's tag.
     * @param outCapacity bytes available from {@code outOffset}.
     * @return the merged lattice's length, or {@link #TYPE_MISMATCH}, {@link #INVALID} or
     * {@link #TOO_LARGE}.
     */
    public int merge(
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
        if (!LatticeValidator.isValid(a, aOffset, aLength) || !LatticeValidator.isValid(b, bOffset, bLength))
        {
            return INVALID;
        }
        return mergeValid(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
    }

    private int mergeValid(
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
        final byte tag = a.getByte(aOffset);
        if (tag != b.getByte(bOffset))
        {
            return TYPE_MISMATCH;
        }
        switch (LatticeType.ofTag(tag))
        {
            case LWW:
                return copyWinner(compareLww(a, aOffset, aLength, b, bOffset, bLength) >= 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case MAX:
                return copyWinner(
                    a.getLong(aOffset + TAG_LENGTH, LITTLE_ENDIAN) >= b.getLong(bOffset + TAG_LENGTH, LITTLE_ENDIAN),
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case BOOL:
                return copyWinner(a.getByte(aOffset + TAG_LENGTH) != 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case PRIORITY:
                return copyWinner(comparePriority(a, aOffset, aLength, b, bOffset, bLength) >= 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case SET:
                return mergeSet(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case ORDERED_SET:
                return mergeOrderedSet(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case VECTOR_CLOCK:
                return mergeClock(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case MAP:
                return mergeMap(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case SINGLE_KEY_CAUSAL:
                return mergeCausal(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity, false);
            case MULTI_KEY_CAUSAL:
            default:
                return mergeCausal(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity, true);
        }
    }

    /**
     * The winner of a lattice whose merge picks one side whole is copied whole: it is already
     * canonical.
     */
    private static int copyWinner(
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
    private static int compareLww(
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
    private static int comparePriority(
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

    private static int mergeSet(
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
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            final int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = LatticeLayout.compareBytes(
                    a, aCursor + INT_LENGTH, a.getInt(aCursor, LITTLE_ENDIAN),
                    b, bCursor + INT_LENGTH, b.getInt(bCursor, LITTLE_ENDIAN));
            }
            final DirectBuffer source = order <= 0 ? a : b;
            final int from = order <= 0 ? aCursor : bCursor;
            final int length = LatticeLayout.bytesEnd(source, from) - from;
            if (limit - position < length)
            {
                return TOO_LARGE;
            }
            out.putBytes(position, source, from, length);
            position += length;
            count++;
            if (order <= 0)
            {
                aCursor += length;
            }
            if (order >= 0)
            {
                bCursor = LatticeLayout.bytesEnd(b, bCursor);
            }
        }
        out.putByte(outOffset, LatticeType.SET.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    private static int mergeOrderedSet(
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
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = Long.compare(a.getLong(aCursor, LITTLE_ENDIAN), b.getLong(bCursor, LITTLE_ENDIAN));
                if (0 == order)
                {
                    final int aElement = aCursor + LONG_LENGTH;
                    final int bElement = bCursor + LONG_LENGTH;
                    order = LatticeLayout.compareBytes(
                        a, aElement + INT_LENGTH, a.getInt(aElement, LITTLE_ENDIAN),
                        b, bElement + INT_LENGTH, b.getInt(bElement, LITTLE_ENDIAN));
                }
            }
            final DirectBuffer source = order <= 0 ? a : b;
            final int from = order <= 0 ? aCursor : bCursor;
            final int length = LatticeLayout.bytesEnd(source, from + LONG_LENGTH) - from;
            if (limit - position < length)
            {
                return TOO_LARGE;
            }
            out.putBytes(position, source, from, length);
            position += length;
            count++;
            if (order <= 0)
            {
                aCursor += length;
            }
            if (order >= 0)
            {
                bCursor = LatticeLayout.bytesEnd(b, bCursor + LONG_LENGTH);
            }
        }
        out.putByte(outOffset, LatticeType.ORDERED_SET.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    private static int mergeClock(
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
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            if (limit - position < CLOCK_ENTRY_LENGTH)
            {
                return TOO_LARGE;
            }
            final long aNode = aCursor < aEnd ? a.getLong(aCursor, LITTLE_ENDIAN) : 0;
            final long bNode = bCursor < bEnd ? b.getLong(bCursor, LITTLE_ENDIAN) : 0;
            if (bCursor == bEnd || (aCursor < aEnd && aNode < bNode))
            {
                out.putBytes(position, a, aCursor, CLOCK_ENTRY_LENGTH);
                aCursor += CLOCK_ENTRY_LENGTH;
            }
            else if (aCursor == aEnd || bNode < aNode)
            {
                out.putBytes(position, b, bCursor, CLOCK_ENTRY_LENGTH);
                bCursor += CLOCK_ENTRY_LENGTH;
            }
            else
            {
                final long aCounter = a.getLong(aCursor + LONG_LENGTH, LITTLE_ENDIAN);
                final long bCounter = b.getLong(bCursor + LONG_LENGTH, LITTLE_ENDIAN);
                out.putLong(position, aNode, LITTLE_ENDIAN);
                out.putLong(position + LONG_LENGTH, Math.max(aCounter, bCounter), LITTLE_ENDIAN);
                aCursor += CLOCK_ENTRY_LENGTH;
                bCursor += CLOCK_ENTRY_LENGTH;
            }
            position += CLOCK_ENTRY_LENGTH;
            count++;
        }
        out.putByte(outOffset, LatticeType.VECTOR_CLOCK.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    private int mergeMap(
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
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int limit = outOffset + outCapacity;
        int aCursor = aOffset + header;
        int bCursor = bOffset + header;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            final int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = LatticeLayout.compareBytes(
                    a, aCursor + INT_LENGTH, a.getInt(aCursor, LITTLE_ENDIAN),
                    b, bCursor + INT_LENGTH, b.getInt(bCursor, LITTLE_ENDIAN));
            }
            if (order != 0)
            {
                // A key only one side holds: the entry (key, value) is copied as it is.
                final DirectBuffer source = order < 0 ? a : b;
                final int from = order < 0 ? aCursor : bCursor;
                final int length = LatticeLayout.bytesEnd(source, LatticeLayout.bytesEnd(source, from)) - from;
                if (limit - position < length)
                {
                    return TOO_LARGE;
                }
                out.putBytes(position, source, from, length);
                position += length;
                if (order < 0)
                {
                    aCursor += length;
                }
                else
                {
                    bCursor += length;
                }
            }
            else
            {
                final int aValue = LatticeLayout.bytesEnd(a, aCursor);
                final int bValue = LatticeLayout.bytesEnd(b, bCursor);
                final int keyLength = aValue - aCursor;
                if (limit - position < keyLength + INT_LENGTH)
                {
                    return TOO_LARGE;
                }
                out.putBytes(position, a, aCursor, keyLength);
                position += keyLength + INT_LENGTH;
                final int aValueLength = a.getInt(aValue, LITTLE_ENDIAN);
                final int bValueLength = b.getInt(bValue, LITTLE_ENDIAN);
                final int merged = mergeValid(
                    a, aValue + INT_LENGTH, aValueLength,
                    b, bValue + INT_LENGTH, bValueLength,
                    out, position, limit - position);
                if (merged < 0)
                {
                    return merged;
                }
                out.putInt(position - INT_LENGTH, merged, LITTLE_ENDIAN);
                position += merged;
                aCursor = aValue + INT_LENGTH + aValueLength;
                bCursor = bValue + INT_LENGTH + bValueLength;
            }
            count++;
        }
        out.putByte(outOffset, LatticeType.MAP.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    /**
     * The causal types, streamed: the versions of both sides are merged in the order of their
     * encodings (a version both sides hold is written once), and a version only one side holds is
     * written unless the other side has a version whose clock strictly dominates it. Its own side
     * cannot dominate it, being a valid antichain, and a version both sides hold is dominated by
     * neither, so this keeps exactly the maximal versions of the union. Quadratic in the number of
     * versions, like the validation that precedes it.
     */
    private static int mergeCausal(
        final DirectBuffer a,
        final int aOffset,
        final int aLength,
        final DirectBuffer b,
        final int bOffset,
        final int bLength,
        final MutableDirectBuffer out,
        final int outOffset,
        final int outCapacity,
        final boolean withDependencies)
    {
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aOffset + aLength;
        final int bEnd = bOffset + bLength;
        final int aFirst = aOffset + header;
        final int bFirst = bOffset + header;
        final int limit = outOffset + outCapacity;
        int aCursor = aFirst;
        int bCursor = bFirst;
        int position = outOffset + header;
        int count = 0;
        while (aCursor < aEnd || bCursor < bEnd)
        {
            final int aNext = aCursor < aEnd ? LatticeLayout.versionEnd(a, aCursor, withDependencies) : aEnd;
            final int bNext = bCursor < bEnd ? LatticeLayout.versionEnd(b, bCursor, withDependencies) : bEnd;
            final int order;
            if (bCursor == bEnd)
            {
                order = -1;
            }
            else if (aCursor == aEnd)
            {
                order = 1;
            }
            else
            {
                order = LatticeLayout.compareBytes(a, aCursor, aNext - aCursor, b, bCursor, bNext - bCursor);
            }
            final DirectBuffer source = order <= 0 ? a : b;
            final int from = order <= 0 ? aCursor : bCursor;
            final int length = (order <= 0 ? aNext : bNext) - from;
            final boolean kept;
            if (order < 0)
            {
                kept = !dominated(a, aCursor, b, bFirst, bEnd, withDependencies);
            }
            else if (order > 0)
            {
                kept = !dominated(b, bCursor, a, aFirst, aEnd, withDependencies);
            }
            else
            {
                kept = true;
            }
            if (kept)
            {
                if (limit - position < length)
                {
                    return TOO_LARGE;
                }
                out.putBytes(position, source, from, length);
                position += length;
                count++;
            }
            if (order <= 0)
            {
                aCursor = aNext;
            }
            if (order >= 0)
            {
                bCursor = bNext;
            }
        }
        final LatticeType type = withDependencies ? LatticeType.MULTI_KEY_CAUSAL : LatticeType.SINGLE_KEY_CAUSAL;
        out.putByte(outOffset, type.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }

    /**
     * @return true if a version in {@code [first, end)} of {@code others} has a clock strictly
     * dominating the clock of the version at {@code version}.
     */
    private static boolean dominated(
        final DirectBuffer buffer,
        final int version,
        final DirectBuffer others,
        final int first,
        final int end,
        final boolean withDependencies)
    {
        for (int other = first; other < end; other = LatticeLayout.versionEnd(others, other, withDependencies))
        {
            if (LatticeLayout.compareClocks(buffer, version, others, other) == LatticeLayout.BEFORE)
            {
                return true;
            }
        }
        return false;
    }
}
