package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.ShortFunction;
import io.droplet.codecs.NameTable;
import io.droplet.codecs.sbe.FunctionLane;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The functions an executor can run, by name. Registration happens on a user's thread, lookups on the
 * executor's: the table is copied on write and published through a volatile field, so a lookup is a
 * volatile read plus a hash probe over the name's bytes, allocation-free.
 * <p>
 * Heartbeats announce the table as an {@link Announcement}: the names with the lane each runs in (inline
 * for a {@link ShortFunction}, pooled otherwise), so schedulers know which functions take a worker slot.
 * <p>
 * <b>Note:</b> thread-safe.
 */
public final class LocalFunctions
{
    private volatile NameTable<DropletFunction> table = new NameTable<>();
    private volatile Announcement announcement = new Announcement(List.of(), new FunctionLane[0]);

    /**
     * The installed functions at one moment, as heartbeats announce them: each name (UTF-8) with its lane.
     * A new instance each time the table changes, so the agent sees a change by identity.
     * <p>
     * <b>Note:</b> immutable, thread-safe.
     */
    public static final class Announcement
    {
        private final List<byte[]> names;
        private final FunctionLane[] lanes;

        Announcement(final List<byte[]> names, final FunctionLane[] lanes)
        {
            this.names = names;
            this.lanes = lanes;
        }

        /**
         * @return how many functions.
         */
        public int size()
        {
            return lanes.length;
        }

        /**
         * @param index below {@link #size()}.
         * @return the function's name as UTF-8 bytes (not a copy: do not change it).
         */
        public byte[] name(final int index)
        {
            return names.get(index);
        }

        /**
         * @param index below {@link #size()}.
         * @return where the function runs: inline (declared short) or on the worker pool.
         */
        public FunctionLane lane(final int index)
        {
            return lanes[index];
        }

        /**
         * @return the names, UTF-8.
         */
        public List<byte[]> names()
        {
            return names;
        }
    }

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
        publish(next);
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
        publish(next);
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
        return announcement.names;
    }

    /**
     * @return the installed names with their lanes: a snapshot, replaced (never changed) when the table changes.
     */
    public Announcement announcement()
    {
        return announcement;
    }

    private void publish(final NameTable<DropletFunction> next)
    {
        final List<byte[]> names = List.copyOf(next.names());
        final FunctionLane[] lanes = new FunctionLane[names.size()];
        for (int i = 0; i < lanes.length; i++)
        {
            final byte[] name = names.get(i);
            lanes[i] = next.get(new String(name, StandardCharsets.UTF_8)) instanceof ShortFunction ?
                FunctionLane.INLINE : FunctionLane.POOLED;
        }
        table = next;
        announcement = new Announcement(names, lanes);
    }
}
