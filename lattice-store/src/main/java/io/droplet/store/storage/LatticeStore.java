package io.droplet.store.storage;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * The persisted, off-heap lattice store of one storage node (see the package documentation for its
 * layout, locking and recovery).
 * <p>
 * {@link #get} and {@link #merge} allocate nothing in steady state: keys and values cross into
 * Chronicle Map as per-thread {@link ByteRegion}s, never as {@code byte[]} objects of their own.
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

    /** Bytes of the checksum in front of each stored lattice. */
    static final int CHECKSUM_LENGTH = 4;

    private final StoreContext context;
    private final ChronicleMap<ByteRegion, ByteRegion> map;
    private final RandomAccessFile lockFile;
    private final FileLock lock;
    private final boolean recovered;
    private final StoreRecovery.Outcome opening;
    private final LostKeys lostKeys;
    private final WrittenKeys writtenKeys;
    private final ThreadLocal<StoreScratch> scratch;
    private boolean closed;

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
        ChronicleMap<ByteRegion, ByteRegion> openedMap = null;
        final File mapFile = new File(dir, MAP_FILE);
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

            // Before Chronicle Map maps the file: refuse a truncated one, recover an unclean or changed one in a
            // child process, and set aside one whose recovery crashes (see StoreRecovery).
            this.opening = StoreRecovery.prepare(context, mapFile);
            this.lostKeys = new LostKeys(dir);

            final var builder = ByteRegion.mapBuilder()
                .name(context.name())
                .entries(context.entries())
                .averageKeySize(context.averageKeySize())
                .averageValueSize(context.averageValueSize() + CHECKSUM_LENGTH)
                .checksumEntries(true);
            // Recovery, if the file needed it, is done: the lock above guarantees no other process maps the file.
            final boolean mapFileExisted = mapFile.exists();
            openedMap = ByteRegion.requireRegions(builder.createPersistedTo(mapFile), mapFile);
            this.writtenKeys = WrittenKeys.open(dir, context.entries(), openedMap, context.errorHandler());
            if (!mapFileExisted && null == opening.movedAside && writtenKeys.reopened())
            {
                // The map file was taken away (as a truncated file's message suggests): the keys it held are lost.
                lostKeys.markUnnamed();
                context.errorHandler().onError(new IllegalStateException("the store's map file was missing but its " +
                    WrittenKeys.FILE + " file was not: the keys it held read DATA_LOST until they are written again"));
            }
            StoreFileCheck.open(mapFile).write(dir);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(openedMap, acquired, openedLockFile);
            throw new UncheckedIOException("cannot open store in " + dir.getAbsolutePath(), ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(openedMap, acquired, openedLockFile);
            throw ex;
        }
        this.map = openedMap;

        this.lockFile = openedLockFile;
        this.lock = acquired;
        this.recovered = opening.recovered;
        this.scratch = ThreadLocal.withInitial(() -> new StoreScratch(context.mergeFunctionSupplier().get(), context.maxValueLength()));
        final StoreCounters counters = context.counters();
        if (recovered)
        {
            counters.recoveries.increment();
            counters.droppedCorrupt.getAndAdd(opening.dropped);
            counters.recoveryRepairs.getAndAdd(opening.repairs);
        }
        if (null != opening.movedAside)
        {
            // Every value of the file is lost and no key was named: the written-keys filter still knows them.
            lostKeys.markUnnamed();
            counters.filesMovedAside.increment();
        }
        counters.keysLost.set(lostKeys.size());
        counters.bytesStored.set(map.offHeapMemoryUsed());
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
     * @return entries dropped as corrupt by the recovery at open (0 if there was none).
     */
    public long droppedAtRecovery()
    {
        return opening.dropped;
    }

    /**
     * @return where the map file went because it was damaged beyond recovery (the store then started empty),
     * or null if it was not set aside.
     */
    public File movedAside()
    {
        return opening.movedAside;
    }

    /**
     * @return what made the map file unrecoverable, for people, or null if it was not set aside.
     */
    public String damage()
    {
        return opening.damage;
    }

    /**
     * @return length in bytes of the map file set aside, 0 if none was.
     */
    public long movedAsideLength()
    {
        return opening.movedAsideLength;
    }

    /**
     * @return why the map file was recovered at open, for people ("" if it was not).
     */
    public String recoveryReason()
    {
        return opening.reason;
    }

    /**
     * @return keys whose values were dropped as corrupt and have none again yet (a read of one is DATA_LOST).
     */
    public int lostKeyCount()
    {
        return lostKeys.size();
    }

    /**
     * @return true if entries were lost whose keys could not be named: since then an absent key this store
     * held (by its written-keys filter) reads DATA_LOST.
     */
    public boolean lostUnnamed()
    {
        return lostKeys.unnamedLosses();
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
     * @return the value's length, or {@link StoreStatus#NOT_FOUND}, {@link StoreStatus#DATA_LOST} (a value
     * this store held was dropped as corrupt, now or at recovery, and has not come back; or, after losses whose keys
     * could not be named, about 1 % of keys never written: a wrong error, never a wrong value),
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
        final StoreScratch s = scratch.get();
        s.key.copyFrom(key, keyOffset, keyLength);
        // Chronicle Map's fast path: read lock, lookup and copy into s.current, with no query context.
        if (null == map.getUsing(s.key, s.current))
        {
            return absent(s.key.array(), keyLength);
        }
        final int storedLength = s.current.length();
        if (!StoredEntry.checksumMatches(s.crc, s.key.array(), keyLength, s.current.array(), storedLength))
        {
            dropCorrupt(s, keyLength);
            return StoreStatus.DATA_LOST;
        }
        final int valueLength = storedLength - CHECKSUM_LENGTH;
        if (valueLength > outCapacity)
        {
            return StoreStatus.TOO_LARGE;
        }
        out.putBytes(outOffset, s.current.array(), CHECKSUM_LENGTH, valueLength);
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
            context.counters().tooLarge.increment();
            return StoreStatus.TOO_LARGE;
        }
        final StoreScratch s = scratch.get();
        s.key.copyFrom(key, keyOffset, keyLength);

        try (ExternalMapQueryContext<ByteRegion, ByteRegion, ?> query = map.queryContext(s.key))
        {
            query.writeLock().lock();
            final MapEntry<ByteRegion, ByteRegion> entry = query.entry();
            // The stored value's length, checksum included, or -1 if there is none to merge with.
            int currentLength = null == entry ? -1 : entry.value().getUsing(s.current).length();
            if (currentLength >= 0 &&
                !StoredEntry.checksumMatches(s.crc, s.key.array(), keyLength, s.current.array(), currentLength))
            {
                // Its value is lost, but the incoming one takes its place at once: nothing to remember as lost.
                reportCorrupt(s.key.array(), keyLength, false);
                entry.doRemove();
                currentLength = -1;
            }

            final int mergedCapacity = s.merged.capacity() - CHECKSUM_LENGTH;
            final int mergedLength;
            if (currentLength < 0)
            {
                // Merging the value with itself validates it and gives its canonical form.
                mergedLength = s.merge.merge(value, valueOffset, valueLength, value, valueOffset, valueLength,
                    s.merged, CHECKSUM_LENGTH, mergedCapacity);
            }
            else
            {
                mergedLength = s.merge.merge(
                    s.currentBuffer(), CHECKSUM_LENGTH, currentLength - CHECKSUM_LENGTH, value, valueOffset, valueLength,
                    s.merged, CHECKSUM_LENGTH, mergedCapacity);
            }
            if (mergedLength < 0)
            {
                final int status = StoreStatus.ofMergeFailure(mergedLength);
                if (StoreStatus.TOO_LARGE == status)
                {
                    context.counters().tooLarge.increment();
                }
                return status;
            }
            final int storedLength = CHECKSUM_LENGTH + mergedLength;
            if (currentLength >= 0 && Arrays.equals(
                s.current.array(), CHECKSUM_LENGTH, currentLength, s.stored.array(), CHECKSUM_LENGTH, storedLength))
            {
                return StoreStatus.UNCHANGED;
            }

            StoredEntry.writeChecksum(s.crc, s.key.array(), keyLength, s.stored.array(), storedLength);
            try
            {
                final Data<ByteRegion> stored = query.wrapValueAsData(s.stored.length(storedLength));
                if (currentLength < 0)
                {
                    query.absentEntry().doInsert(stored);
                }
                else
                {
                    query.entry().doReplaceValue(stored);
                }
            }
            catch (final IllegalStateException ex)
            {
                context.errorHandler().onError(new IllegalStateException(
                    "store full: sized for " + context.entries() + " entries of about " + context.averageKeySize() +
                    "+" + context.averageValueSize() + " bytes, holds " + map.longSize(), ex));
                return StoreStatus.FULL;
            }
            if (currentLength < 0)
            {
                // A key stored for the first time (or again after a loss): once per key, not on the update path.
                writtenKeys.add(s.key.array(), keyLength);
                if (lostKeys.size() > 0)
                {
                    lostKeys.remove(s.key.array(), keyLength);
                    context.counters().keysLost.set(lostKeys.size());
                }
            }
            context.counters().merges.increment();
            context.counters().bytesStored.getAndAdd(storedLength - (currentLength < 0 ? -keyLength : currentLength));
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
        final ByteRegion keyRegion = new ByteRegion(StoreContext.MAX_KEY_LENGTH);
        final ByteRegion storedRegion = new ByteRegion(CHECKSUM_LENGTH + context.maxValueLength());
        map.forEachEntry(entry ->
        {
            final byte[] key = entry.key().getUsing(keyRegion).toByteArray();
            final ByteRegion stored = entry.value().getUsing(storedRegion);
            if (StoredEntry.checksumMatches(crc, key, key.length, stored.array(), stored.length()))
            {
                consumer.accept(key, Arrays.copyOfRange(stored.array(), CHECKSUM_LENGTH, stored.length()));
            }
            else
            {
                // The checksum covers the key too: these key bytes may be the damaged ones, the real key unnamed.
                lostKeys.markUnnamed();
                reportCorrupt(key, key.length, true);
                entry.doRemove();
            }
        });
    }

    /**
     * Drops an entry that {@link #get} saw corrupt (its bytes are still in {@code s.current}). The read
     * lock is gone by now, and Chronicle Map cannot upgrade one: hence a second lookup, under the write lock.
     */
    private void dropCorrupt(final StoreScratch s, final int keyLength)
    {
        try (ExternalMapQueryContext<ByteRegion, ByteRegion, ?> query = map.queryContext(s.key))
        {
            query.writeLock().lock();
            final MapEntry<ByteRegion, ByteRegion> entry = query.entry();
            // Drop only what was seen corrupt: a concurrent writer may have replaced it meanwhile.
            if (null != entry && StoredEntry.sameBytes(entry.value(), s.current.array(), s.current.length()))
            {
                reportCorrupt(s.key.array(), keyLength, true);
                entry.doRemove();
            }
        }
    }

    /**
     * The answer for a key the map does not hold: lost if it is known lost, or if losses went unnamed and the
     * written-keys filter holds it (the store has no delete: a key it held and holds no more was lost).
     */
    private int absent(final byte[] key, final int keyLength)
    {
        if (lostKeys.contains(key, keyLength))
        {
            return StoreStatus.DATA_LOST;
        }
        if (lostKeys.unnamedLosses() && writtenKeys.mayContain(key, keyLength))
        {
            context.counters().readsLostUnnamed.increment();
            return StoreStatus.DATA_LOST;
        }
        return StoreStatus.NOT_FOUND;
    }

    private void reportCorrupt(final byte[] keyBytes, final int keyLength, final boolean lost)
    {
        if (lost)
        {
            lostKeys.add(keyBytes, keyLength);
            context.counters().keysLost.set(lostKeys.size());
        }
        // Arrays.hashCode of the key alone, computed in place rather than on a copy of it.
        int hash = 1;
        for (int i = 0; i < keyLength; i++)
        {
            hash = 31 * hash + keyBytes[i];
        }
        context.counters().droppedCorrupt.increment();
        context.errorHandler().onError(new IllegalStateException(
            "store entry failed its checksum and was dropped: key of " + keyLength + " bytes, hash " + hash));
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
        writtenKeys.close();
        try
        {
            // The lost keys and the file's checksum first: the marker says both are current.
            final File dir = context.dataDirectory();
            lostKeys.save();
            StoreFileCheck.closed(new File(dir, MAP_FILE)).write(dir);
            Files.createFile(new File(dir, CLEAN_MARKER_FILE).toPath());
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
