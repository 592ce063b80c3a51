package io.droplet.store.node;

import org.agrona.DirectBuffer;

/**
 * Views of the entries of a batch: keys (and values, where the batch has them) as offsets and lengths
 * into two buffers, never copies. The adapter fills one with the keys of a decoded group (they then point
 * into the received frame, valid only during the listener call); a state machine fills one with the
 * entries it wants a publisher to encode. A value length below zero means "no value" (a key not found).
 * <p>
 * Arrays grow to the largest batch seen, then stay: no allocation in steady state.
 * <p>
 * <b>Note:</b> not thread-safe; reused by its owner for one batch at a time.
 */
public final class EntryBatch
{
    private DirectBuffer keys;
    private DirectBuffer values;
    private int count;
    private int[] keyOffsets;
    private int[] keyLengths;
    private int[] valueOffsets;
    private int[] valueLengths;

    /**
     * @param initialCapacity entries held before the arrays grow.
     */
    public EntryBatch(final int initialCapacity)
    {
        final int capacity = Math.max(1, initialCapacity);
        keyOffsets = new int[capacity];
        keyLengths = new int[capacity];
        valueOffsets = new int[capacity];
        valueLengths = new int[capacity];
    }

    /**
     * Empties the batch and points it at new buffers.
     *
     * @param keys   buffer the keys' offsets refer to.
     * @param values buffer the values' offsets refer to (may be {@code keys}).
     * @return this batch.
     */
    public EntryBatch reset(final DirectBuffer keys, final DirectBuffer values)
    {
        this.keys = keys;
        this.values = values;
        this.count = 0;
        return this;
    }

    /**
     * Adds an entry.
     *
     * @param keyOffset   in {@link #keys()}.
     * @param keyLength   of the key.
     * @param valueOffset in {@link #values()}.
     * @param valueLength of the value, negative for none.
     */
    public void add(final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        if (count == keyOffsets.length)
        {
            grow();
        }
        keyOffsets[count] = keyOffset;
        keyLengths[count] = keyLength;
        valueOffsets[count] = valueOffset;
        valueLengths[count] = valueLength;
        count++;
    }

    /**
     * Removes the last entry added (an entry that turned out not to fit).
     */
    public void removeLast()
    {
        if (count > 0)
        {
            count--;
        }
    }

    /**
     * @return entries in the batch.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return buffer holding the keys.
     */
    public DirectBuffer keys()
    {
        return keys;
    }

    /**
     * @return buffer holding the values.
     */
    public DirectBuffer values()
    {
        return values;
    }

    /**
     * @param index of the entry.
     * @return offset of its key in {@link #keys()}.
     */
    public int keyOffset(final int index)
    {
        return keyOffsets[index];
    }

    /**
     * @param index of the entry.
     * @return length of its key.
     */
    public int keyLength(final int index)
    {
        return keyLengths[index];
    }

    /**
     * @param index of the entry.
     * @return offset of its value in {@link #values()}.
     */
    public int valueOffset(final int index)
    {
        return valueOffsets[index];
    }

    /**
     * @param index of the entry.
     * @return length of its value, negative if it has none.
     */
    public int valueLength(final int index)
    {
        return valueLengths[index];
    }

    private void grow()
    {
        final int capacity = keyOffsets.length * 2;
        keyOffsets = java.util.Arrays.copyOf(keyOffsets, capacity);
        keyLengths = java.util.Arrays.copyOf(keyLengths, capacity);
        valueOffsets = java.util.Arrays.copyOf(valueOffsets, capacity);
        valueLengths = java.util.Arrays.copyOf(valueLengths, capacity);
    }
}
