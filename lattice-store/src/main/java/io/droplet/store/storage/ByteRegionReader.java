package io.droplet.store.storage;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Reads a stored key or value into a {@link ByteRegion}: the caller's, when Chronicle Map is given one
 * ({@code getUsing}, {@code Data#getUsing}), grown only if it is too small; a new one otherwise.
 * <p>
 * <b>Note:</b> stateless and thread-safe: one instance serves every query context of a map.
 */
public final class ByteRegionReader implements SizedReader<ByteRegion>, EnumMarshallable<ByteRegionReader>
{
    /** The only instance (what the map's header names). */
    public static final ByteRegionReader INSTANCE = new ByteRegionReader();

    private ByteRegionReader()
    {
    }

    /**
     * {@inheritDoc}
     */
    public ByteRegion read(final Bytes<?> in, final long size, final ByteRegion using)
    {
        if (size < 0 || size > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("stored size " + size + " is not the size of a byte region");
        }
        final int length = (int)size;
        final ByteRegion region = null == using ? new ByteRegion(length) : using.ensureCapacity(length);
        in.read(region.array(), 0, length);
        return region.length(length);
    }

    /**
     * {@inheritDoc}
     */
    public ByteRegionReader readResolve()
    {
        return INSTANCE;
    }
}
