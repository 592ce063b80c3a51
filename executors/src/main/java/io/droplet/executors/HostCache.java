package io.droplet.executors;

import net.openhft.chronicle.map.ChronicleMap;
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
 * <b>Note:</b> thread-safe and shareable between processes (Chronicle Map's segment locks); by
 * convention only the cache agent writes.
 */
public final class HostCache implements AutoCloseable
{
    /** Value returned by {@link #get} for a key the cache does not hold. */
    public static final int MISSING = -1;

    private final ChronicleMap<byte[], byte[]> map;

    /**
     * Opens (or creates) the cache file.
     *
     * @param file    of the map, e.g. under /dev/shm.
     * @param entries it is sized for.
     */
    public HostCache(final File file, final long entries)
    {
        try
        {
            this.map = ChronicleMap.of(byte[].class, byte[].class)
                .name("droplet-host-cache")
                .entries(entries)
                .averageKeySize(32)
                .averageValueSize(256)
                .createPersistedTo(file);
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
     * @return the value's length, {@link #MISSING}, or -2 if it does not fit {@code out}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final int keyLength, final MutableDirectBuffer out, final int outOffset)
    {
        final byte[] keyBytes = new byte[keyLength];
        key.getBytes(keyOffset, keyBytes);
        final byte[] value = map.get(keyBytes);
        if (null == value)
        {
            return MISSING;
        }
        if (outOffset + value.length > out.capacity())
        {
            return -2;
        }
        out.putBytes(outOffset, value);
        return value.length;
    }

    /**
     * Stores a key's current value (the cache agent's job).
     *
     * @param key   the key's bytes.
     * @param value the lattice value.
     */
    public void put(final byte[] key, final byte[] value)
    {
        map.put(key, value);
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
