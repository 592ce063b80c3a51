package io.droplet.store.storage;

import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.serialization.DataAccess;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Gives Chronicle Map a {@link ByteRegion} as {@link Data} without copying or allocating: the map
 * hashes, compares and copies the region's bytes where they are. It is also the {@code Data} itself,
 * as Chronicle's own {@code byte[]} access is, so {@link #getData} only records which region to show.
 * <p>
 * <b>Note:</b> not thread-safe: Chronicle Map {@linkplain #copy() copies} it for each query context,
 * and a context belongs to one thread.
 */
public final class ByteRegionDataAccess extends AbstractData<ByteRegion> implements DataAccess<ByteRegion>
{
    private transient ByteRegion region;

    /**
     * {@inheritDoc}
     */
    public Data<ByteRegion> getData(final ByteRegion instance)
    {
        region = instance;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void uninit()
    {
        region = null;
    }

    /**
     * {@inheritDoc}
     */
    public DataAccess<ByteRegion> copy()
    {
        return new ByteRegionDataAccess();
    }

    /**
     * Nothing to persist in the map's header: the class name is the configuration.
     */
    public void writeMarshallable(final WireOut wire)
    {
    }

    /**
     * Nothing to read from the map's header.
     */
    public void readMarshallable(final WireIn wire)
    {
        region = null;
    }

    /**
     * {@inheritDoc}
     */
    public RandomDataInput bytes()
    {
        return region.store();
    }

    /**
     * {@inheritDoc}
     */
    public long offset()
    {
        return region.store().start();
    }

    /**
     * {@inheritDoc}
     */
    public long size()
    {
        return region.length();
    }

    /**
     * {@inheritDoc}
     */
    public ByteRegion get()
    {
        return region;
    }

    /**
     * {@inheritDoc}
     */
    public ByteRegion getUsing(final ByteRegion using)
    {
        final ByteRegion target = null == using ? new ByteRegion(region.length()) : using;
        target.ensureCapacity(region.length());
        System.arraycopy(region.array(), 0, target.array(), 0, region.length());
        return target.length(region.length());
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ByteRegionDataAccess{" + region + "}";
    }
}
