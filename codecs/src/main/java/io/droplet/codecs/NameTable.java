package io.droplet.codecs;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps names (function, DAG) to values, looked up straight from the bytes of an inbound frame, so
 * the data path never builds a String to find what a name means. Open addressing over the names'
 * UTF-8 bytes.
 * <p>
 * <b>Note:</b> not thread-safe for writers; a table that is published after its last write (e.g.
 * through a volatile field, copy-on-write) may be read by any number of threads.
 *
 * @param <V> the value a name maps to.
 */
public final class NameTable<V>
{
    private byte[][] names = new byte[16][];
    private int[] hashes = new int[16];
    private Object[] values = new Object[16];
    private int size;

    /**
     * @return a copy, for copy-on-write publication.
     */
    public NameTable<V> copy()
    {
        final NameTable<V> copy = new NameTable<>();
        copy.names = names.clone();
        copy.hashes = hashes.clone();
        copy.values = values.clone();
        copy.size = size;
        return copy;
    }

    /**
     * Adds or replaces a name's value.
     *
     * @param name  to add.
     * @param value it maps to, not null.
     * @return the previous value, or null.
     */
    public V put(final String name, final V value)
    {
        if ((size + 1) * 2 > names.length)
        {
            grow();
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final int hash = hash(bytes);
        int index = hash & (names.length - 1);
        while (null != names[index])
        {
            if (hashes[index] == hash && Arrays.equals(names[index], bytes))
            {
                @SuppressWarnings("unchecked") final V previous = (V)values[index];
                values[index] = value;
                return previous;
            }
            index = (index + 1) & (names.length - 1);
        }
        names[index] = bytes;
        hashes[index] = hash;
        values[index] = value;
        size++;
        return null;
    }

    /**
     * Removes a name.
     *
     * @param name to remove.
     * @return the value it had, or null.
     */
    public V remove(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final List<byte[]> keptNames = new ArrayList<>();
        final List<Object> keptValues = new ArrayList<>();
        V removed = null;
        for (int i = 0; i < names.length; i++)
        {
            if (null != names[i])
            {
                if (Arrays.equals(names[i], bytes))
                {
                    @SuppressWarnings("unchecked") final V value = (V)values[i];
                    removed = value;
                }
                else
                {
                    keptNames.add(names[i]);
                    keptValues.add(values[i]);
                }
            }
        }
        if (null != removed)
        {
            // Rebuild: removal is rare (control path) and keeps probing simple.
            names = new byte[names.length][];
            hashes = new int[hashes.length];
            values = new Object[values.length];
            size = 0;
            for (int i = 0; i < keptNames.size(); i++)
            {
                @SuppressWarnings("unchecked") final V value = (V)keptValues.get(i);
                put(new String(keptNames.get(i), StandardCharsets.UTF_8), value);
            }
        }
        return removed;
    }

    /**
     * Finds a name's value from its UTF-8 bytes, without allocating.
     *
     * @param buffer holding the name.
     * @param offset of the name.
     * @param length of the name.
     * @return the value, or null.
     */
    public V get(final DirectBuffer buffer, final int offset, final int length)
    {
        int hash = 1;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + buffer.getByte(offset + i);
        }
        int index = hash & (names.length - 1);
        while (null != names[index])
        {
            if (hashes[index] == hash && equal(names[index], buffer, offset, length))
            {
                @SuppressWarnings("unchecked") final V value = (V)values[index];
                return value;
            }
            index = (index + 1) & (names.length - 1);
        }
        return null;
    }

    /**
     * @param name to find.
     * @return its value, or null (control path: allocates the name's bytes).
     */
    public V get(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return get(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * @return the names, as UTF-8 bytes (the arrays themselves: do not modify).
     */
    public List<byte[]> names()
    {
        final List<byte[]> result = new ArrayList<>(size);
        for (final byte[] name : names)
        {
            if (null != name)
            {
                result.add(name);
            }
        }
        return result;
    }

    /**
     * @return the number of names.
     */
    public int size()
    {
        return size;
    }

    private void grow()
    {
        final byte[][] oldNames = names;
        final Object[] oldValues = values;
        names = new byte[oldNames.length * 2][];
        hashes = new int[oldNames.length * 2];
        values = new Object[oldNames.length * 2];
        size = 0;
        for (int i = 0; i < oldNames.length; i++)
        {
            if (null != oldNames[i])
            {
                @SuppressWarnings("unchecked") final V value = (V)oldValues[i];
                put(new String(oldNames[i], StandardCharsets.UTF_8), value);
            }
        }
    }

    private static int hash(final byte[] bytes)
    {
        int hash = 1;
        for (final byte b : bytes)
        {
            hash = 31 * hash + b;
        }
        return hash;
    }

    private static boolean equal(final byte[] name, final DirectBuffer buffer, final int offset, final int length)
    {
        if (name.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (name[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }
}
