package io.droplet.store.storage;

import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;

import java.util.zip.CRC32C;

/**
 * The stored form of a value: {@code int32 CRC32C(key, lattice)}, little-endian, then the lattice. The
 * checksum covers the key too, so an entry whose key bytes were damaged fails it as well as one whose value was.
 * <p>
 * <b>Note:</b> stateless; thread-safe as long as each thread passes its own {@link CRC32C}.
 */
final class StoredEntry
{
    private StoredEntry()
    {
    }

    private static int checksum(
        final CRC32C crc, final byte[] key, final int keyLength, final byte[] stored, final int storedLength)
    {
        crc.reset();
        crc.update(key, 0, keyLength);
        crc.update(stored, LatticeStore.CHECKSUM_LENGTH, storedLength - LatticeStore.CHECKSUM_LENGTH);
        return (int)crc.getValue();
    }

    /**
     * @return true if a stored value (checksum then lattice) matches its key.
     */
    static boolean checksumMatches(
        final CRC32C crc, final byte[] key, final int keyLength, final byte[] stored, final int storedLength)
    {
        if (storedLength < LatticeStore.CHECKSUM_LENGTH)
        {
            return false;
        }
        final int recorded = (stored[0] & 0xFF) | (stored[1] & 0xFF) << 8 | (stored[2] & 0xFF) << 16 | (stored[3] & 0xFF) << 24;
        return recorded == checksum(crc, key, keyLength, stored, storedLength);
    }

    /**
     * Writes the checksum in front of the lattice already in {@code stored}.
     */
    static void writeChecksum(
        final CRC32C crc, final byte[] key, final int keyLength, final byte[] stored, final int storedLength)
    {
        final int value = checksum(crc, key, keyLength, stored, storedLength);
        stored[0] = (byte)value;
        stored[1] = (byte)(value >>> 8);
        stored[2] = (byte)(value >>> 16);
        stored[3] = (byte)(value >>> 24);
    }

    /**
     * @return true if the map's value holds exactly the bytes seen (allocates nothing).
     */
    static boolean sameBytes(final Data<ByteRegion> stored, final byte[] seen, final int seenLength)
    {
        if (stored.size() != seenLength)
        {
            return false;
        }
        final RandomDataInput bytes = stored.bytes();
        final long offset = stored.offset();
        for (int i = 0; i < seenLength; i++)
        {
            if (bytes.readByte(offset + i) != seen[i])
            {
                return false;
            }
        }
        return true;
    }
}
