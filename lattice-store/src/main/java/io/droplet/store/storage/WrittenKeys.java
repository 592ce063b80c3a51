package io.droplet.store.storage;

import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Every key this store ever held, as a Bloom filter in a memory-mapped file of the data directory, so a read
 * of a key that is absent can tell "written here once, then lost" from "never written" even when the entry
 * was lost together with its key bytes (a damaged page, a map file set aside): recovery can then name no key
 * to remember as lost, but this filter still holds it. The store has no delete, so an absent key the filter
 * holds, once losses went unnamed, is a lost one.
 * <p>
 * A filter answers "maybe" or "no": it never forgets a key added (no false negatives), and about 1 % of keys
 * never added answer "maybe" (at 10 bits a key and 7 probes in blocks of 512 bits: about 1 %, measured 0.95 %
 * in {@code WrittenKeysTest}; fewer while the store holds fewer keys than it is sized for). A store asks it only for an absent key after losses it could not name, and a false
 * "maybe" then answers DATA_LOST for a key never written: a wrong error, never a wrong value.
 * <p>
 * The file lives in the page cache while mapped, so a bit set before SIGKILL is there at the next start,
 * like the map's own entries; a clean close also forces it to disk. Its layout, words in the platform's
 * byte order (little-endian wherever Droplet runs):
 * <pre>
 *   0                   8         12        16                  24              64
 *   +-------------------+---------+---------+-------------------+---...---------+-------------------------------+
 *   | magic "WRTNKEYS"  | version | probes  | bit count (2^n)   | reserved (0)  | blocks of 512 bits, 64 a word |
 *   +-------------------+---------+---------+-------------------+---...---------+-------------------------------+
 * </pre>
 * Sized at open from the store's entries: {@value #BITS_PER_ENTRY} bits an entry rounded up to a power of two,
 * at least 64 KiB, at most 512 MiB. A file with a valid header keeps its own size even if the store is now
 * sized otherwise (it stays correct, only its false-positive rate moves); a missing or invalid one is created
 * again and filled from the keys the map holds, which is said on the error handler: keys lost unnamed before
 * that are then no longer known.
 * <p>
 * A key's probes come from one 64-bit hash of its bytes (FNV-1a then murmur3's fmix64 finaliser: written out
 * here, not {@code Arrays.hashCode} or a JDK hash, so that every JVM that opens the file agrees). Its top bits
 * pick a block of 512 bits (one cache line), and the 7 probes fall inside it by double hashing,
 * {@code (h + i * ((h >>> 20) | 1)) mod 512}: a key costs one cache miss, not seven, for a false-positive
 * rate a little above an unblocked filter's. Seven probes over the whole file, each miss behind a locked CAS,
 * added about 0.4 us to a 1.6 us put of a new key in {@code StoreBenchmark.putNew} (best iterations); one
 * block, under 0.1 us.
 * <p>
 * <b>Note:</b> {@link #add} and {@link #mayContain} are thread-safe and allocate nothing: a bit is set by a
 * CAS loop on its mapped word (merges of different keys may share a word), words are read with volatile loads,
 * and bits are never cleared. {@link #open} and {@link #close()} are not thread-safe.
 */
final class WrittenKeys implements AutoCloseable
{
    /** The file's name in the data directory. */
    static final String FILE = "written-keys";
    /** "WRTNKEYS" in ASCII, read as a little-endian long. */
    static final long MAGIC = 0x5359454B4E545257L;
    /** Version of the layout. */
    static final int VERSION = 1;
    /** Probes (bits) per key. */
    static final int PROBES = 7;
    /** Bits of filter per entry the store is sized for. */
    static final int BITS_PER_ENTRY = 10;
    /** Bytes before the first word; a cache line, so words are aligned. */
    static final int HEADER_LENGTH = 64;
    /** Fewest bits: 64 KiB, so a small store still has a low false-positive rate. */
    static final long MIN_BITS = 64L * 1024 * 8;
    /** Most bits: 512 MiB of file, inside one mapping. */
    static final long MAX_BITS = 1L << 32;
    /** Bits of a block, the cache line a key's probes share. */
    static final int BLOCK_BITS = 512;

    private static final int VERSION_OFFSET = 8;
    private static final int PROBES_OFFSET = 12;
    private static final int BIT_COUNT_OFFSET = 16;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final long bitCount;
    private final long blockMask;
    private final boolean reopened;
    private boolean closed;

    private WrittenKeys(final MappedByteBuffer mapped, final boolean reopened)
    {
        this.mapped = mapped;
        this.reopened = reopened;
        this.buffer = new UnsafeBuffer(mapped);
        this.bitCount = buffer.getLong(BIT_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
        this.blockMask = bitCount / BLOCK_BITS - 1;
    }

    /**
     * Opens the filter of a data directory (control path): the file as it is if its header is valid, otherwise
     * a new one filled from the keys the map holds.
     *
     * @param dir          data directory.
     * @param entries      the store is sized for.
     * @param map          the store's map, opened (and recovered) already.
     * @param errorHandler told when the filter had to be rebuilt.
     * @return the open filter.
     * @throws IOException if the file cannot be read or written.
     */
    static WrittenKeys open(
        final File dir, final long entries, final ChronicleMap<ByteRegion, ByteRegion> map, final ErrorHandler errorHandler)
        throws IOException
    {
        final File file = new File(dir, FILE);
        final boolean existed = file.exists();
        if (existed)
        {
            final String invalid = invalid(file);
            if (null == invalid)
            {
                return new WrittenKeys(IoUtil.mapExistingFile(file, FILE), true);
            }
            return rebuild(file, entries, map, errorHandler, invalid);
        }
        if (map.longSize() > 0)
        {
            return rebuild(file, entries, map, errorHandler, "is missing");
        }
        return create(file, bitsFor(entries), null);
    }

    /**
     * @return bits of filter for a store sized for this many entries.
     */
    static long bitsFor(final long entries)
    {
        final long wanted = Math.max(MIN_BITS, Math.min(MAX_BITS, entries * BITS_PER_ENTRY));
        final long bits = Long.highestOneBit(wanted);
        return bits == wanted ? bits : Math.min(MAX_BITS, bits << 1);
    }

    /**
     * @return true if the filter was opened as it was left (not created or rebuilt): it may name keys the map lacks.
     */
    boolean reopened()
    {
        return reopened;
    }

    /**
     * @return bits in this filter.
     */
    long bitCount()
    {
        return bitCount;
    }

    /**
     * Adds a key (a merge stored it for the first time). Allocates nothing; sets only the bits not yet set.
     *
     * @param key       array holding the key from index 0.
     * @param keyLength of the key.
     */
    void add(final byte[] key, final int keyLength)
    {
        final long hash = hash(key, keyLength);
        final int block = blockOffset(hash);
        final int step = (int)(hash >>> 20) | 1;
        int probe = (int)hash;
        for (int i = 0; i < PROBES; i++)
        {
            final int bit = probe & (BLOCK_BITS - 1);
            final int offset = block + ((bit >>> 6) << 3);
            final long mask = 1L << bit;
            long word = buffer.getLongVolatile(offset);
            // Another thread may set another bit of the same word at the same time: retry until ours is in.
            while ((word & mask) == 0 && !buffer.compareAndSetLong(offset, word, word | mask))
            {
                word = buffer.getLongVolatile(offset);
            }
            probe += step;
        }
    }

    /**
     * @param key       array holding the key from index 0.
     * @param keyLength of the key.
     * @return false if the key was never added; true if it was, or (about 1 % of keys never added) falsely.
     */
    boolean mayContain(final byte[] key, final int keyLength)
    {
        final long hash = hash(key, keyLength);
        final int block = blockOffset(hash);
        final int step = (int)(hash >>> 20) | 1;
        int probe = (int)hash;
        for (int i = 0; i < PROBES; i++)
        {
            final int bit = probe & (BLOCK_BITS - 1);
            if ((buffer.getLongVolatile(block + ((bit >>> 6) << 3)) & (1L << bit)) == 0)
            {
                return false;
            }
            probe += step;
        }
        return true;
    }

    /**
     * The 64-bit hash every JVM computes alike: FNV-1a over the key's bytes, then murmur3's fmix64 so that
     * every output bit depends on every input bit (FNV-1a's low bits alone mix poorly, and the probes use them).
     */
    static long hash(final byte[] key, final int keyLength)
    {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < keyLength; i++)
        {
            h ^= key[i] & 0xFF;
            h *= 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Forces the bits to disk and unmaps the file.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            mapped.force();
            IoUtil.unmap(mapped);
        }
    }

    /**
     * @return offset of the key's block: picked by the hash's top bits, which the probes inside it do not use.
     */
    private int blockOffset(final long hash)
    {
        return HEADER_LENGTH + (int)(((hash >>> 40) & blockMask) * (BLOCK_BITS / 8));
    }

    /**
     * @return why the file is not a usable filter, for people, or null if it is one.
     */
    private static String invalid(final File file) throws IOException
    {
        final long length = file.length();
        if (length < HEADER_LENGTH)
        {
            return "is " + length + " bytes, shorter than its header";
        }
        final byte[] header = new byte[HEADER_LENGTH];
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"))
        {
            raf.readFully(header);
        }
        final UnsafeBuffer view = new UnsafeBuffer(header);
        final long bits = view.getLong(BIT_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (view.getLong(0, ByteOrder.LITTLE_ENDIAN) != MAGIC)
        {
            return "is not a written-keys file (wrong magic)";
        }
        if (view.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN) != VERSION ||
            view.getInt(PROBES_OFFSET, ByteOrder.LITTLE_ENDIAN) != PROBES)
        {
            return "is of another version or probe count";
        }
        if (bits < BLOCK_BITS || bits > MAX_BITS || Long.bitCount(bits) != 1)
        {
            return "holds a bit count that is not a power of two in range (" + bits + ")";
        }
        if (length != HEADER_LENGTH + bits / 8)
        {
            return "is " + length + " bytes, not the " + (HEADER_LENGTH + bits / 8) + " its header says";
        }
        return null;
    }

    private static WrittenKeys rebuild(
        final File file, final long entries, final ChronicleMap<ByteRegion, ByteRegion> map,
        final ErrorHandler errorHandler, final String invalid) throws IOException
    {
        final WrittenKeys keys = create(file, bitsFor(entries), map);
        errorHandler.onError(new IllegalStateException("the store's " + FILE + " file " + invalid + ": rebuilt from the " +
            map.longSize() + " keys the store holds (keys it lost earlier without naming them are no longer known, " +
            "and read as absent)"));
        return keys;
    }

    /**
     * A new file, filled from the map's keys if there is one: built aside and renamed into place only once
     * complete, so a crash meanwhile never leaves a valid header over a filter missing keys.
     */
    private static WrittenKeys create(final File file, final long bits, final ChronicleMap<ByteRegion, ByteRegion> map)
        throws IOException
    {
        final File building = new File(file.getParentFile(), FILE + ".tmp");
        final long length = HEADER_LENGTH + bits / 8;
        // Zeros written, not a sparse file: a full disk is an IOException here, not a SIGBUS on a later store.
        try (RandomAccessFile raf = new RandomAccessFile(building, "rw"))
        {
            raf.setLength(0);
            final byte[] zeros = new byte[64 * 1024];
            for (long written = 0; written < length; written += zeros.length)
            {
                raf.write(zeros, 0, (int)Math.min(zeros.length, length - written));
            }
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(building, FILE);
        final UnsafeBuffer header = new UnsafeBuffer(mapped);
        header.putLong(BIT_COUNT_OFFSET, bits, ByteOrder.LITTLE_ENDIAN);
        header.putInt(VERSION_OFFSET, VERSION, ByteOrder.LITTLE_ENDIAN);
        header.putInt(PROBES_OFFSET, PROBES, ByteOrder.LITTLE_ENDIAN);
        final WrittenKeys keys = new WrittenKeys(mapped, false);
        if (null != map)
        {
            final ByteRegion region = new ByteRegion(StoreContext.MAX_KEY_LENGTH);
            map.forEachEntry(entry ->
            {
                final ByteRegion key = entry.key().getUsing(region);
                keys.add(key.array(), key.length());
            });
        }
        header.putLong(0, MAGIC, ByteOrder.LITTLE_ENDIAN);
        mapped.force();
        Files.move(building.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return keys;
    }
}
