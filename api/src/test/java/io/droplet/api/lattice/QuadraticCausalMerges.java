package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static io.droplet.api.lattice.QuadraticLatticeMerger.TOO_LARGE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The reference for the tests: {@code CausalMerges} as it was before causal values were bounded and
 * indexed (every pair of versions compared by walking the encodings), kept unchanged so that
 * properties can hold the new code to its answers. Its original documentation follows.
 * <p>
 * Merges of the causal lattices (SINGLE_KEY_CAUSAL, MULTI_KEY_CAUSAL): their sorted versions are
 * streamed, dropping each version the other side dominates. Part of {@code LatticeMerger}.
 * <p>
 * <b>Note:</b> stateless and thread-safe.
 */
final class QuadraticCausalMerges
{
    private QuadraticCausalMerges()
    {
    }

    /**
     * The causal types, streamed: the versions of both sides are merged in the order of their
     * encodings (a version both sides hold is written once), and a version only one side holds is
     * written unless the other side has a version whose clock strictly dominates it. Its own side
     * cannot dominate it, being a valid antichain, and a version both sides hold is dominated by
     * neither, so this keeps exactly the maximal versions of the union. Quadratic in the number of
     * versions, like the validation that precedes it.
     */
    static int mergeCausal(
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
