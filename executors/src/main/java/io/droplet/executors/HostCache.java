package io.droplet.executors;

import io.droplet.store.storage.ByteRegion;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The host's cache of lattice values: a Chronicle Map in a memory-mapped file (under /dev/shm by
 * default), written only by the host's {@link CacheAgent} and read directly by every executor on the
 * host, in this process or another, so a cached reference costs a map lookup, not a message.
 * <p>
 * {@link #get} and {@link #put} allocate nothing in steady state: keys and values cross into the map as
 * per-thread {@link ByteRegion}s (see there), and a get uses Chronicle Map's {@code getUsing} fast path.
 * <p>
 * <b>Note:</b> thread-safe and shareable between processes (Chronicle Map's segment locks; scratch
 * regions are per thread); by convention only the cache agent writes.
 */
public final class HostCache implements AutoCloseable
{
    /** Value returned by {@link #get} for a key the cache does not hold. */
    public static final int MISSING = -1;
    /** Value returned by {@link #get} for a value that does not fit the caller's buffer. */
    public static final int TOO_LARGE = -2;

    private static final int KEY_CAPACITY = 64;
    private static final int VALUE_CAPACITY = 1024;

    private final ChronicleMap<ByteRegion, ByteRegion> map;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A thread's key and value regions; they grow to the largest key and value the thread has seen. */
    private static final class Scratch
    {
        final ByteRegion key = new ByteRegion(KEY_CAPACITY);
        final ByteRegion value = new ByteRegion(VALUE_CAPACITY);
    }

    /**
     * Opens (or creates) the cache file.
     *
     * @param file    of the map, e.g. under /dev/shm.
     * @param entries it is sized for.
     * @throws IllegalStateException if the file holds a map of other types (an earlier version's).
     */
    public HostCache(final File file, final long entries)
    {
        try
        {
            this.map = ByteRegion.requireRegions(ByteRegion.mapBuilder()
                .name("droplet-host-cache")
                .entries(entries)
                .averageKeySize(32)
                .averageValueSize(256)
                .createPersistedTo(file), file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the host cache at " + file, ex);
        }
    }

    /**
     * @param key       buffer holding the key.
     * @param keyOffset of the key.
     * @param keyLength of the key.
     * @param out       for the lattice value.
     * @param outOffset where it goes.
     * @return the value's length, {@link #MISSING}, or {@link #TOO_LARGE} if it does not fit {@code out}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final int keyLength, final MutableDirectBuffer out, final int outOffset)
    {
        final Scratch s = scratch.get();
        // Copied out under the segment's read lock, then into out: the lock is held for one short copy.
        if (null == map.getUsing(s.key.copyFrom(key, keyOffset, keyLength), s.value))
        {
            return MISSING;
        }
        final int length = s.value.length();
        if (outOffset + length > out.capacity())
        {
            return TOO_LARGE;
        }
        out.putBytes(outOffset, s.value.array(), 0, length);
        return length;
    }

    /**
     * Stores a key's current value (the cache agent's job).
     *
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding the lattice value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     */
    public void put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final Scratch s = scratch.get();
        s.value.copyFrom(value, valueOffset, valueLength);
        // ChronicleMap.put would read the previous value into a new object to return it.
        try (ExternalMapQueryContext<ByteRegion, ByteRegion, ?> query =
            map.queryContext(s.key.copyFrom(key, keyOffset, keyLength)))
        {
            query.writeLock().lock();
            final Data<ByteRegion> data = query.wrapValueAsData(s.value);
            final MapEntry<ByteRegion, ByteRegion> entry = query.entry();
            if (null == entry)
            {
                query.absentEntry().doInsert(data);
            }
            else
            {
                entry.doReplaceValue(data);
            }
        }
    }

    /**
     * @return keys held.
     */
    public long size()
    {
        return map.longSize();
    }

    /**
     * Unmaps the file.
     */
    public void close()
    {
        map.close();
    }
}
