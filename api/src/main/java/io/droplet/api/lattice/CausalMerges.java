package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static io.droplet.api.lattice.LatticeMerger.TOO_LARGE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Merges of the causal lattices (SINGLE_KEY_CAUSAL, MULTI_KEY_CAUSAL): their sorted versions are
 * streamed, dropping each version the other side dominates. Part of {@link LatticeMerger}.
 * <p>
 * <b>Note:</b> stateless; thread-safe as long as each thread passes indexes of its own.
 */
final class CausalMerges
{
    private CausalMerges()
    {
    }

    /**
     * The causal types, streamed: the versions of both sides are merged in the order of their
     * encodings (a version both sides hold is written once), and a version only one side holds is
     * written unless the other side has a version whose clock strictly dominates it. Its own side
     * cannot dominate it, being a valid antichain, and a version both sides hold is dominated by
     * neither, so this keeps exactly the maximal versions of the union. Both sides are indexed first
     * ({@link CausalIndex}), so each domination check reads summaries and, for the few pairs they do
     * not settle, the clocks by galloping; with both inputs within {@link LatticeValidator}'s bounds
     * that is bounded too. A result past those bounds is {@link LatticeMerger#TOO_LARGE}, so that
     * every stored value validates again.
     *
     * @param aIndex scratch for {@code a}'s versions, {@link LatticeValidator#MAX_CAUSAL_VERSIONS} long.
     * @param bIndex scratch for {@code b}'s versions, as long.
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
        final boolean withDependencies,
        final CausalIndex aIndex,
        final CausalIndex bIndex)
    {
        final int header = TAG_LENGTH + INT_LENGTH;
        if (outCapacity < header)
        {
            return TOO_LARGE;
        }
        final int aEnd = aIndex.index(a, aOffset + header, a.getInt(aOffset + TAG_LENGTH, LITTLE_ENDIAN), withDependencies);
        final int bEnd = bIndex.index(b, bOffset + header, b.getInt(bOffset + TAG_LENGTH, LITTLE_ENDIAN), withDependencies);
        final int limit = outOffset + outCapacity;
        final int aCount = aIndex.size();
        final int bCount = bIndex.size();
        int i = 0;
        int j = 0;
        int position = outOffset + header;
        int count = 0;
        long clockEntries = 0;
        while (i < aCount || j < bCount)
        {
            final int aCursor = i < aCount ? aIndex.versionAt(i) : aEnd;
            final int bCursor = j < bCount ? bIndex.versionAt(j) : bEnd;
            final int aNext = i + 1 < aCount ? aIndex.versionAt(i + 1) : aEnd;
            final int bNext = j + 1 < bCount ? bIndex.versionAt(j + 1) : bEnd;
            final int order;
            if (j == bCount)
            {
                order = -1;
            }
            else if (i == aCount)
            {
                order = 1;
            }
            else
            {
                order = LatticeLayout.compareBytes(a, aCursor, aNext - aCursor, b, bCursor, bNext - bCursor);
            }
            final boolean kept;
            if (order < 0)
            {
                kept = !aIndex.dominatedBy(i, bIndex);
            }
            else if (order > 0)
            {
                kept = !bIndex.dominatedBy(j, aIndex);
            }
            else
            {
                kept = true;
            }
            if (kept)
            {
                final DirectBuffer source = order <= 0 ? a : b;
                final int from = order <= 0 ? aCursor : bCursor;
                final int length = (order <= 0 ? aNext : bNext) - from;
                if (limit - position < length || count == LatticeValidator.MAX_CAUSAL_VERSIONS)
                {
                    return TOO_LARGE;
                }
                out.putBytes(position, source, from, length);
                clockEntries += source.getInt(from, LITTLE_ENDIAN);
                position += length;
                count++;
            }
            if (order <= 0)
            {
                i++;
            }
            if (order >= 0)
            {
                j++;
            }
        }
        if (LatticeValidator.exceedsClockProduct(count, clockEntries))
        {
            return TOO_LARGE;
        }
        final LatticeType type = withDependencies ? LatticeType.MULTI_KEY_CAUSAL : LatticeType.SINGLE_KEY_CAUSAL;
        out.putByte(outOffset, type.tag());
        out.putInt(outOffset + TAG_LENGTH, count, LITTLE_ENDIAN);
        return position - outOffset;
    }
}
