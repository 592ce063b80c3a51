package io.droplet.store.storage;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.DirectBuffer;

import java.io.File;
import java.util.Arrays;

/**
 * The key and value type of Droplet's Chronicle Maps: the first {@link #length()} bytes of an array
 * that is reused from one operation to the next, so that a lookup or an update allocates nothing.
 * <p>
 * A {@code byte[]} key costs Chronicle Map a wrapper object per lookup and a {@code byte[]} value a
 * new array per read (its reader reuses an array only of exactly the right length). A map built by
 * {@link #mapBuilder()} instead reads keys and values straight from regions
 * ({@link ByteRegionDataAccess}) and reads stored values into the caller's region
 * ({@link ByteRegionReader}), through Chronicle Map's own {@code getUsing} fast path and its query
 * contexts. The map's header names these serializers instead of the {@code byte[]} ones, so a file of
 * the one kind does not serve as the other ({@link #requireRegions} says so at open).
 * <p>
 * <b>Note:</b> not thread-safe; keep one per thread (or per single-threaded agent).
 */
public final class ByteRegion
{
    private byte[] array;
    private BytesStore<?, byte[]> store;
    private int length;

    /**
     * @param capacity of the array to start with.
     */
    public ByteRegion(final int capacity)
    {
        wrap(new byte[capacity]);
    }

    /**
     * A builder for a map of regions to regions, with the serializers that read and write them in
     * place; size it and persist it as usual.
     *
     * @return a new builder.
     */
    public static ChronicleMapBuilder<ByteRegion, ByteRegion> mapBuilder()
    {
        return ChronicleMap.of(ByteRegion.class, ByteRegion.class)
            .keyReaderAndDataAccess(ByteRegionReader.INSTANCE, new ByteRegionDataAccess())
            .valueReaderAndDataAccess(ByteRegionReader.INSTANCE, new ByteRegionDataAccess());
    }

    /**
     * Checks that a map opened from an existing file is a map of regions, and closes it if it is not.
     * Chronicle Map trusts the header of an existing file over the builder, so a file written with other
     * key or value types (for one, {@code byte[]} ones) opens without complaint and fails at its first
     * lookup instead.
     *
     * @param map  just opened.
     * @param file it was opened from, for the message.
     * @return the map.
     * @throws IllegalStateException if the file holds other types; the map is closed then.
     */
    public static ChronicleMap<ByteRegion, ByteRegion> requireRegions(
        final ChronicleMap<ByteRegion, ByteRegion> map, final File file)
    {
        final Class<?> keyClass = map.keyClass();
        final Class<?> valueClass = map.valueClass();
        if (ByteRegion.class != keyClass || ByteRegion.class != valueClass)
        {
            map.close();
            throw new IllegalStateException(file.getAbsolutePath() + " holds a Chronicle Map of " +
                keyClass.getSimpleName() + " to " + valueClass.getSimpleName() + ", not of " +
                ByteRegion.class.getSimpleName() + "s (written by an earlier version?): move it away to start afresh");
        }
        return map;
    }

    private void wrap(final byte[] array)
    {
        this.array = array;
        this.store = BytesStore.wrap(array);
    }

    /**
     * @return the array, whose first {@link #length()} bytes this region is; replaced when it grows.
     */
    public byte[] array()
    {
        return array;
    }

    /**
     * @return the region's length in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * @param length the number of bytes, from the array's start, the region now is.
     * @return this.
     */
    public ByteRegion length(final int length)
    {
        if (length < 0 || length > array.length)
        {
            throw new IllegalArgumentException("length " + length + " outside an array of " + array.length);
        }
        this.length = length;
        return this;
    }

    /**
     * Makes room for at least {@code capacity} bytes. Growing allocates a new, larger array and does not
     * keep the old contents; in steady state a region has grown to its largest use and allocates no more.
     *
     * @param capacity bytes needed.
     * @return this.
     */
    public ByteRegion ensureCapacity(final int capacity)
    {
        if (capacity > array.length)
        {
            wrap(new byte[Math.max(capacity, (int)Math.min(Integer.MAX_VALUE - 8, 2L * array.length))]);
            length = 0;
        }
        return this;
    }

    /**
     * Makes the region a copy of bytes in a buffer.
     *
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return this.
     */
    public ByteRegion copyFrom(final DirectBuffer buffer, final int offset, final int length)
    {
        ensureCapacity(length);
        buffer.getBytes(offset, array, 0, length);
        this.length = length;
        return this;
    }

    /**
     * @return a new array holding a copy of the region (allocates: for control paths).
     */
    public byte[] toByteArray()
    {
        return Arrays.copyOf(array, length);
    }

    /**
     * @return Chronicle's view of the whole array, for the serializers.
     */
    BytesStore<?, byte[]> store()
    {
        return store;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        // The bytes in hex, so a recovery report of Chronicle Map's that names a key names it whole
        // (StoreRecoveryProcess reads it back); a value longer than a key shows only its start.
        final int shown = Math.min(length, StoreContext.MAX_KEY_LENGTH);
        return "ByteRegion{length=" + length + ", hex=" + java.util.HexFormat.of().formatHex(array, 0, shown) +
            (shown < length ? "...}" : "}");
    }
}
