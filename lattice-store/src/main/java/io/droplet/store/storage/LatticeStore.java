package io.droplet.store.storage;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * The persisted, off-heap lattice store of one storage node (see the package documentation for its
 * layout, locking and recovery).
 * <p>
 * <b>Note:</b> {@link #get}, {@link #merge} and {@link #forEach} are thread-safe (Chronicle Map's
 * entry locks; scratch buffers and merge functions are per thread); {@link #close()} is not.
 */
public final class LatticeStore implements AutoCloseable
{
    /** The map file's name in the data directory. */
    public static final String MAP_FILE = "lattice-store.dat";
    /** Present only after a clean close. */
    public static final String CLEAN_MARKER_FILE = "clean-shutdown";
    /** Locked exclusively while the store is open. */
    public static final String LOCK_FILE = "store.lock";

    private static final int CHECKSUM_LENGTH = 4;

    private final StoreContext context;
    private final ChronicleMap<byte[], byte[]> map;
    private final RandomAccessFile lockFile;
    private final FileLock lock;
    private final boolean recovered;
    private final AtomicInteger corruptionsAtRecovery = new AtomicInteger();
    private final ThreadLocal<Scratch> scratch;
    private boolean closed;

    /** Per-thread buffers and merge function: the store is shared, these are not. */
    private static final class Scratch
    {
        final MergeFunction merge;
        final UnsafeBuffer current;
        final UnsafeBuffer merged;
        final CRC32C crc = new CRC32C();

        Scratch(final MergeFunction merge, final int maxValueLength)
        {
            this.merge = merge;
            this.current = new UnsafeBuffer(new byte[maxValueLength]);
            this.merged = new UnsafeBuffer(new byte[maxValueLength]);
        }
    }

    private LatticeStore(final StoreContext context)
    {
        this.context = context;
        final File dir = context.dataDirectory();
        if (!dir.isDirectory() && !dir.mkdirs())
        {
            throw new IllegalStateException("cannot create data directory " + dir.getAbsolutePath());
        }

        RandomAccessFile openedLockFile = null;
        FileLock acquired = null;
        boolean unclean = false;
        try
        {
            openedLockFile = new RandomAccessFile(new File(dir, LOCK_FILE), "rw");
            final FileChannel channel = openedLockFile.getChannel();
            try
            {
                acquired = channel.tryLock();
            }
            catch (final java.nio.channels.OverlappingFileLockException ex)
            {
                acquired = null;
            }
            if (null == acquired)
            {
                throw new IllegalStateException("data directory in use by another process: " + dir.getAbsolutePath());
            }

            final File mapFile = new File(dir, MAP_FILE);
            final File marker = new File(dir, CLEAN_MARKER_FILE);
            unclean = mapFile.exists() && !marker.exists();
            Files.deleteIfExists(marker.toPath());

            final var builder = ChronicleMap.of(byte[].class, byte[].class)
                .name(context.name())
                .entries(context.entries())
                .averageKeySize(context.averageKeySize())
                .averageValueSize(context.averageValueSize() + CHECKSUM_LENGTH)
                .checksumEntries(true);
            // Recovery needs exclusive access: the lock above guarantees no other process maps the file.
            this.map = unclean ?
                builder.recoverPersistedTo(mapFile, true, corruption ->
                {
                    corruptionsAtRecovery.incrementAndGet();
                    context.errorHandler().onError(new IllegalStateException(
                        "store recovery: " + corruption.message() + " (segment " + corruption.segmentIndex() + ")",
                        corruption.exception()));
                }) :
                builder.createPersistedTo(mapFile);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(acquired, openedLockFile);
            throw new UncheckedIOException("cannot open store in " + dir.getAbsolutePath(), ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(acquired, openedLockFile);
            throw ex;
        }

        this.lockFile = openedLockFile;
        this.lock = acquired;
        this.recovered = unclean;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(context.mergeFunctionSupplier().get(), context.maxValueLength()));
        if (recovered)
        {
            context.counters().recoveries.increment();
            context.counters().droppedCorrupt.getAndAdd(corruptionsAtRecovery.get());
        }
        context.counters().bytesStored.set(map.offHeapMemoryUsed());
    }

    /**
     * Opens (creating, or recovering after an unclean stop) the store in the context's data directory.
     *
     * @param context settings; concluded here.
     * @return the open store.
     * @throws IllegalStateException if another process holds the directory.
     */
    public static LatticeStore open(final StoreContext context)
    {
        return new LatticeStore(context.conclude());
    }

    /**
     * @return true if the files were recovered at open because the last stop was unclean.
     */
    public boolean wasRecovered()
    {
        return recovered;
    }

    /**
     * @return entries stored.
     */
    public long size()
    {
        return map.longSize();
    }

    /**
     * Copies the value under a key into {@code out}.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param out         for the value.
     * @param outOffset   where the value goes.
     * @param outCapacity bytes available.
     * @return the value's length, or {@link StoreStatus#NOT_FOUND}, {@link StoreStatus#CORRUPT},
     * {@link StoreStatus#TOO_LARGE} or {@link StoreStatus#INVALID_KEY}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final MutableDirectBuffer out, final int outOffset, final int outCapacity)
    {
        if (keyLength < 1 || keyLength > StoreContext.MAX_KEY_LENGTH)
        {
            return StoreStatus.INVALID_KEY;
        }
        final byte[] keyBytes = new byte[keyLength];
        key.getBytes(keyOffset, keyBytes);

        final byte[] stored = map.get(keyBytes);
        if (null == stored)
        {
            return StoreStatus.NOT_FOUND;
        }
        final Scratch s = scratch.get();
        if (!checksumMatches(s.crc, keyBytes, stored))
        {
            dropCorrupt(keyBytes, stored);
            return StoreStatus.CORRUPT;
        }
        final int valueLength = stored.length - CHECKSUM_LENGTH;
        if (valueLength > outCapacity)
        {
            return StoreStatus.TOO_LARGE;
        }
        out.putBytes(outOffset, stored, CHECKSUM_LENGTH, valueLength);
        return valueLength;
    }

    /**
     * Merges a value into the one stored under a key (a put), under the entry's write lock.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   of the key.
     * @param keyLength   of the key.
     * @param value       buffer holding the incoming value.
     * @param valueOffset of the value.
     * @param valueLength of the value.
     * @return {@link StoreStatus#CHANGED}, {@link StoreStatus#UNCHANGED}, or a negative status.
     */
    public int merge(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (keyLength < 1 || keyLength > StoreContext.MAX_KEY_LENGTH)
        {
            return StoreStatus.INVALID_KEY;
        }
        if (valueLength > context.maxValueLength())
        {
            return StoreStatus.TOO_LARGE;
        }
        final Scratch s = scratch.get();
        final byte[] keyBytes = new byte[keyLength];
        key.getBytes(keyOffset, keyBytes);

        try (ExternalMapQueryContext<byte[], byte[], ?> query = map.queryContext(keyBytes))
        {
            query.writeLock().lock();
            final MapEntry<byte[], byte[]> entry = query.entry();
            byte[] current = null == entry ? null : entry.value().get();
            if (null != current && !checksumMatches(s.crc, keyBytes, current))
            {
                reportCorrupt(keyBytes);
                entry.doRemove();
                current = null;
            }

            final int mergedLength;
            if (null == current)
            {
                // Merging the value with itself validates it and gives its canonical form.
                mergedLength = s.merge.merge(value, valueOffset, valueLength, value, valueOffset, valueLength,
                    s.merged, 0, s.merged.capacity());
            }
            else
            {
                s.current.putBytes(0, current, CHECKSUM_LENGTH, current.length - CHECKSUM_LENGTH);
                mergedLength = s.merge.merge(s.current, 0, current.length - CHECKSUM_LENGTH, value, valueOffset, valueLength,
                    s.merged, 0, s.merged.capacity());
            }
            if (mergedLength < 0)
            {
                return StoreStatus.ofMergeFailure(mergedLength);
            }
            if (null != current && sameValue(current, s.merged, mergedLength))
            {
                return StoreStatus.UNCHANGED;
            }

            final byte[] stored = new byte[CHECKSUM_LENGTH + mergedLength];
            s.merged.getBytes(0, stored, CHECKSUM_LENGTH, mergedLength);
            writeChecksum(s.crc, keyBytes, stored);
            try
            {
                if (null == current)
                {
                    final MapAbsentEntry<byte[], byte[]> absent = query.absentEntry();
                    absent.doInsert(query.wrapValueAsData(stored));
                }
                else
                {
                    query.entry().doReplaceValue(query.wrapValueAsData(stored));
                }
            }
            catch (final IllegalStateException ex)
            {
                context.errorHandler().onError(new IllegalStateException(
                    "store full: sized for " + context.entries() + " entries of about " + context.averageKeySize() +
                    "+" + context.averageValueSize() + " bytes, holds " + map.longSize(), ex));
                return StoreStatus.FULL;
            }
            context.counters().merges.increment();
            context.counters().bytesStored.getAndAdd(stored.length - (null == current ? -keyLength : current.length));
            return StoreStatus.CHANGED;
        }
    }

    /**
     * Visits every valid entry (control path: allocates). Entries that fail their checksum are
     * dropped and reported instead.
     *
     * @param consumer of key and value bytes.
     */
    public void forEach(final BiConsumer<byte[], byte[]> consumer)
    {
        final CRC32C crc = new CRC32C();
        map.forEachEntry(entry ->
        {
            final byte[] key = entry.key().get();
            final byte[] stored = entry.value().get();
            if (checksumMatches(crc, key, stored))
            {
                consumer.accept(key, Arrays.copyOfRange(stored, CHECKSUM_LENGTH, stored.length));
            }
            else
            {
                reportCorrupt(key);
                entry.doRemove();
            }
        });
    }

    private void dropCorrupt(final byte[] keyBytes, final byte[] seen)
    {
        try (ExternalMapQueryContext<byte[], byte[], ?> query = map.queryContext(keyBytes))
        {
            query.writeLock().lock();
            final MapEntry<byte[], byte[]> entry = query.entry();
            // Drop only what was seen corrupt: a concurrent writer may have replaced it meanwhile.
            if (null != entry && Arrays.equals(entry.value().get(), seen))
            {
                reportCorrupt(keyBytes);
                entry.doRemove();
            }
        }
    }

    private void reportCorrupt(final byte[] keyBytes)
    {
        context.counters().droppedCorrupt.increment();
        context.errorHandler().onError(new IllegalStateException(
            "store entry failed its checksum and was dropped: key of " + keyBytes.length + " bytes, hash " +
            Arrays.hashCode(keyBytes)));
    }

    private static boolean sameValue(final byte[] stored, final UnsafeBuffer merged, final int mergedLength)
    {
        if (stored.length - CHECKSUM_LENGTH != mergedLength)
        {
            return false;
        }
        for (int i = 0; i < mergedLength; i++)
        {
            if (stored[CHECKSUM_LENGTH + i] != merged.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private static int checksum(final CRC32C crc, final byte[] key, final byte[] stored)
    {
        crc.reset();
        crc.update(key, 0, key.length);
        crc.update(stored, CHECKSUM_LENGTH, stored.length - CHECKSUM_LENGTH);
        return (int)crc.getValue();
    }

    private static boolean checksumMatches(final CRC32C crc, final byte[] key, final byte[] stored)
    {
        if (stored.length < CHECKSUM_LENGTH)
        {
            return false;
        }
        final int recorded = (stored[0] & 0xFF) | (stored[1] & 0xFF) << 8 | (stored[2] & 0xFF) << 16 | (stored[3] & 0xFF) << 24;
        return recorded == checksum(crc, key, stored);
    }

    private static void writeChecksum(final CRC32C crc, final byte[] key, final byte[] stored)
    {
        final int value = checksum(crc, key, stored);
        stored[0] = (byte)value;
        stored[1] = (byte)(value >>> 8);
        stored[2] = (byte)(value >>> 16);
        stored[3] = (byte)(value >>> 24);
    }

    /**
     * Closes the map, leaves the clean-shutdown marker, and releases the directory.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        map.close();
        try
        {
            Files.createFile(new File(context.dataDirectory(), CLEAN_MARKER_FILE).toPath());
        }
        catch (final IOException ex)
        {
            context.errorHandler().onError(ex);
        }
        finally
        {
            CloseHelper.quietCloseAll(lock, lockFile);
        }
    }
}
