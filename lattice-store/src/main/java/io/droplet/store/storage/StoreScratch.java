package io.droplet.store.storage;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * Per-thread buffers and merge function: the store is shared, these are not. Chronicle Map reads
 * the key and the merged value from, and copies a stored value into, {@link ByteRegion}s whose
 * arrays the merge function reads and writes as Agrona buffers, so an operation only copies bytes.
 * A stored value is its checksum then its lattice, here as in the map, so a merged value goes into
 * the map without another copy.
 * <p>
 * <b>Note:</b> not thread-safe; one per thread that uses a {@link LatticeStore}.
 */
final class StoreScratch
{
    final MergeFunction merge;
    final CRC32C crc = new CRC32C();
    final ByteRegion key = new ByteRegion(StoreContext.MAX_KEY_LENGTH);
    /** The stored value last read; the map grows it only for a value written under a larger maximum. */
    final ByteRegion current;
    private final UnsafeBuffer currentBuffer = new UnsafeBuffer(0, 0);
    /** Checksum then merged lattice. */
    final ByteRegion stored;
    final UnsafeBuffer merged;

    StoreScratch(final MergeFunction merge, final int maxValueLength)
    {
        this.merge = merge;
        this.current = new ByteRegion(LatticeStore.CHECKSUM_LENGTH + maxValueLength);
        this.stored = new ByteRegion(LatticeStore.CHECKSUM_LENGTH + maxValueLength);
        this.merged = new UnsafeBuffer(stored.array());
    }

    /**
     * @return {@link #current} as a buffer, following its array if the map has grown it.
     */
    UnsafeBuffer currentBuffer()
    {
        if (currentBuffer.byteArray() != current.array())
        {
            currentBuffer.wrap(current.array());
        }
        return currentBuffer;
    }
}
