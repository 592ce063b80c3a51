package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The reference for the tests: {@code LatticeMerger} as it was before causal values were bounded and
 * indexed (every pair of versions compared by walking the encodings), kept unchanged so that
 * properties can hold the new code to its answers. Its original documentation follows.
 * <p>
 * Merges two encoded lattices into a third buffer: the storage node's data path for every write. The
 * result is canonical, so a caller detects "the write changed nothing" by comparing it with the stored
 * bytes.
 * <p>
 * Every type is merged on the encodings, without decoding and without allocating. LWW, MAX, BOOL
 * and PRIORITY compare the inputs in place and copy the winner. SET, ORDERED_SET and VECTOR_CLOCK
 * merge their sorted entries in one linear pass straight into the output. MAP merges its sorted keys
 * the same way and merges the values of common keys recursively into the output. The causal types
 * merge their sorted versions the same way, dropping on the way each version the other side
 * dominates; that is quadratic in the number of versions ({@code WinnerMerges}, {@code SortedMerges} and
 * {@code CausalMerges} hold those merges; MAP stays here, as it recurses through the dispatch). The object model ({@link Lattice}) is a
 * separate implementation of the same merges, and the tests hold the two to the same bytes.
 * <p>
 * Failures are return codes, never exceptions: {@link #TYPE_MISMATCH}, {@link #INVALID},
 * {@link #TOO_LARGE}.
 * <p>
 * <b>Note:</b> not thread-safe by contract, one merger per agent, so that scratch state can be added
 * without changing callers; today it holds none.
 */
final class QuadraticLatticeMerger
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
        if (!QuadraticLatticeValidator.isValid(a, aOffset, aLength) || !QuadraticLatticeValidator.isValid(b, bOffset, bLength))
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
                return WinnerMerges.copyWinner(WinnerMerges.compareLww(a, aOffset, aLength, b, bOffset, bLength) >= 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case MAX:
                return WinnerMerges.copyWinner(
                    a.getLong(aOffset + TAG_LENGTH, LITTLE_ENDIAN) >= b.getLong(bOffset + TAG_LENGTH, LITTLE_ENDIAN),
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case BOOL:
                return WinnerMerges.copyWinner(a.getByte(aOffset + TAG_LENGTH) != 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case PRIORITY:
                return WinnerMerges.copyWinner(WinnerMerges.comparePriority(a, aOffset, aLength, b, bOffset, bLength) >= 0,
                    a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case SET:
                return SortedMerges.mergeSet(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case ORDERED_SET:
                return SortedMerges.mergeOrderedSet(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case VECTOR_CLOCK:
                return SortedMerges.mergeClock(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case MAP:
                return mergeMap(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity);
            case SINGLE_KEY_CAUSAL:
                return QuadraticCausalMerges.mergeCausal(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity, false);
            case MULTI_KEY_CAUSAL:
            default:
                return QuadraticCausalMerges.mergeCausal(a, aOffset, aLength, b, bOffset, bLength, out, outOffset, outCapacity, true);
        }
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
}
