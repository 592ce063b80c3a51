package io.droplet.executors;

import io.droplet.codecs.NameTable;
import io.droplet.api.DropletFunction;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * The functions an executor can run, by name. Registration happens on a user's thread, lookups on the
 * executor's: the table is copied on write and published through a volatile field, so a lookup is a
 * volatile read plus a hash probe over the name's bytes, allocation-free.
 * <p>
 * <b>Note:</b> thread-safe.
 */
public final class LocalFunctions
{
    private volatile NameTable<DropletFunction> table = new NameTable<>();
    private volatile List<byte[]> names = List.of();

    /**
     * Adds or replaces a function.
     *
     * @param name     of the function.
     * @param function to run.
     */
    public synchronized void install(final String name, final DropletFunction function)
    {
        final NameTable<DropletFunction> next = table.copy();
        next.put(name, function);
        table = next;
        names = List.copyOf(next.names());
    }

    /**
     * Removes a function.
     *
     * @param name of the function.
     * @return true if it was installed.
     */
    public synchronized boolean remove(final String name)
    {
        final NameTable<DropletFunction> next = table.copy();
        final boolean removed = null != next.remove(name);
        table = next;
        names = List.copyOf(next.names());
        return removed;
    }

    /**
     * @param buffer holding a name's UTF-8 bytes.
     * @param offset of the name.
     * @param length of the name.
     * @return the function, or null.
     */
    public DropletFunction lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        return table.get(buffer, offset, length);
    }

    /**
     * @return the installed names as UTF-8 bytes (for heartbeats): a snapshot, not copied per call.
     */
    public List<byte[]> names()
    {
        return names;
    }
}
