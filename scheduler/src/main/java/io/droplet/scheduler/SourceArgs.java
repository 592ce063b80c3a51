package io.droplet.scheduler;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The arguments of each source stage of one call: views into a buffer (the inbound frame while it is
 * handled, or a copy the scheduler keeps), one per stage, so a call is placed and triggered without
 * copying its arguments. A stage without arguments has length -1 and gets an empty list.
 * <p>
 * <b>Note:</b> not thread-safe; a reused flyweight on the scheduler's thread.
 */
public final class SourceArgs
{
    /** Most stages of a DAG (and so of a call). */
    public static final int MAX_STAGES = 64;

    private final int[] offsets = new int[MAX_STAGES];
    private final int[] lengths = new int[MAX_STAGES];
    private DirectBuffer buffer;

    /**
     * Views a new buffer, with no arguments for any stage.
     *
     * @param buffer holding the arguments.
     * @return this.
     */
    public SourceArgs wrap(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        Arrays.fill(lengths, -1);
        return this;
    }

    /**
     * @param stage  index; stages beyond {@link #MAX_STAGES} are ignored.
     * @param offset of its arguments in the buffer.
     * @param length of its arguments.
     * @return this.
     */
    public SourceArgs stage(final int stage, final int offset, final int length)
    {
        if (stage >= 0 && stage < MAX_STAGES)
        {
            offsets[stage] = offset;
            lengths[stage] = length;
        }
        return this;
    }

    /**
     * The same arguments for every source stage.
     *
     * @param offset of the arguments in the buffer.
     * @param length of the arguments.
     * @return this.
     */
    public SourceArgs allStages(final int offset, final int length)
    {
        Arrays.fill(offsets, offset);
        Arrays.fill(lengths, length);
        return this;
    }

    /**
     * @return the buffer viewed.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @param stage index.
     * @return offset of its arguments.
     */
    public int offset(final int stage)
    {
        return offsets[stage];
    }

    /**
     * @param stage index.
     * @return length of its arguments, or -1 if it has none.
     */
    public int length(final int stage)
    {
        return stage < MAX_STAGES ? lengths[stage] : -1;
    }

    /**
     * Copies the span the stages' arguments cover into {@code target} (which grows as it needs) and makes
     * {@code copy} view them there, as {@link #copy()} does but into buffers the caller keeps and reuses: a
     * call that waits for a free slot is kept without allocating.
     *
     * @param target to copy into, from offset 0.
     * @param copy   made to view the copied arguments.
     * @return bytes copied.
     */
    public int copyInto(final MutableDirectBuffer target, final SourceArgs copy)
    {
        int start = Integer.MAX_VALUE;
        int end = 0;
        for (int s = 0; s < MAX_STAGES; s++)
        {
            if (lengths[s] >= 0)
            {
                start = Math.min(start, offsets[s]);
                end = Math.max(end, offsets[s] + lengths[s]);
            }
        }
        final int length = Math.max(0, end - start);
        if (length > 0)
        {
            target.putBytes(0, buffer, start, length);
        }
        copy.wrap(target);
        for (int s = 0; s < MAX_STAGES; s++)
        {
            if (lengths[s] >= 0)
            {
                copy.stage(s, offsets[s] - start, lengths[s]);
            }
        }
        return length;
    }

    /**
     * @return bytes of the span the stages' arguments cover: what {@link #copyInto} copies.
     */
    public int span()
    {
        int start = Integer.MAX_VALUE;
        int end = 0;
        for (int s = 0; s < MAX_STAGES; s++)
        {
            if (lengths[s] >= 0)
            {
                start = Math.min(start, offsets[s]);
                end = Math.max(end, offsets[s] + lengths[s]);
            }
        }
        return Math.max(0, end - start);
    }

    /**
     * A copy that owns its bytes, for a call kept past the frame that carried it (a registry miss, a
     * periodic call). The span the stages' arguments cover is copied once, so arguments shared by every
     * source stage are not copied per stage. Allocates: miss and control path only.
     *
     * @return the copy.
     */
    public SourceArgs copy()
    {
        int start = Integer.MAX_VALUE;
        int end = 0;
        for (int s = 0; s < MAX_STAGES; s++)
        {
            if (lengths[s] >= 0)
            {
                start = Math.min(start, offsets[s]);
                end = Math.max(end, offsets[s] + lengths[s]);
            }
        }
        final UnsafeBuffer owned = new UnsafeBuffer(new byte[Math.max(0, end - start)]);
        final SourceArgs copy = new SourceArgs().wrap(owned);
        if (end > start)
        {
            owned.putBytes(0, buffer, start, end - start);
        }
        for (int s = 0; s < MAX_STAGES; s++)
        {
            if (lengths[s] >= 0)
            {
                copy.stage(s, offsets[s] - start, lengths[s]);
            }
        }
        return copy;
    }
}
