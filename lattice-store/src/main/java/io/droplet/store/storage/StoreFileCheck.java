package io.droplet.store.storage;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;

/**
 * The map file's sidecar: what the store knew of its map file the last time it had it whole, read before
 * Chronicle Map is let near the file. Chronicle Map trusts its file: a flipped bit in a segment header or
 * an entry's sizes makes it read outside its mapping in native code, which ends the JVM (a SIGSEGV, on
 * every start). The sidecar lets the store refuse or set aside a damaged file first.
 * <pre>
 *   0  int64  magic "DRPLCHK1"
 *   8  int64  length of the map file: written at open and at close; the file never shrinks
 *  16  int32  CRC32C of the whole map file, valid only if the next field is 1
 *  20  int32  1 if written at a clean close (the CRC covers the file as closed), else 0
 *  24  int32  CRC32C of bytes 0..23
 * </pre>
 * <b>Note:</b> immutable, thread-safe; reading and writing it are file operations for the control path.
 */
final class StoreFileCheck
{
    /** The sidecar's name in the data directory. */
    static final String FILE = "lattice-store.check";

    private static final long MAGIC = 0x314B48434C505244L;
    private static final int LENGTH = 28;

    final long mapLength;
    final int mapCrc;
    final boolean clean;

    private StoreFileCheck(final long mapLength, final int mapCrc, final boolean clean)
    {
        this.mapLength = mapLength;
        this.mapCrc = mapCrc;
        this.clean = clean;
    }

    /**
     * @param mapFile the map file.
     * @return its length as of now, for a sidecar written while the map is open (no checksum).
     */
    static StoreFileCheck open(final File mapFile)
    {
        return new StoreFileCheck(mapFile.length(), 0, false);
    }

    /**
     * @param mapFile the map file, just closed.
     * @return its length and checksum.
     * @throws IOException if it cannot be read.
     */
    static StoreFileCheck closed(final File mapFile) throws IOException
    {
        return new StoreFileCheck(mapFile.length(), crcOf(mapFile), true);
    }

    /**
     * @param dir data directory.
     * @return the sidecar, or null if there is none or it is not intact (then nothing is known).
     * @throws IOException if it cannot be read.
     */
    static StoreFileCheck read(final File dir) throws IOException
    {
        final File file = new File(dir, FILE);
        if (!file.exists() || file.length() != LENGTH)
        {
            return null;
        }
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file.toPath())).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, LENGTH - 4);
        if (bytes.getLong(0) != MAGIC || bytes.getInt(LENGTH - 4) != (int)crc.getValue())
        {
            return null;
        }
        return new StoreFileCheck(bytes.getLong(8), bytes.getInt(16), bytes.getInt(20) == 1);
    }

    /**
     * Writes the sidecar atomically (a temporary file renamed over it).
     *
     * @param dir data directory.
     * @throws IOException if it cannot be written.
     */
    void write(final File dir) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(0, MAGIC).putLong(8, mapLength).putInt(16, mapCrc).putInt(20, clean ? 1 : 0);
        final CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, LENGTH - 4);
        bytes.putInt(LENGTH - 4, (int)crc.getValue());
        final File temporary = new File(dir, FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary.toPath(),
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.write(bytes);
            channel.force(true);
        }
        Files.move(temporary.toPath(), new File(dir, FILE).toPath(), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @param mapFile a map file.
     * @return true if it is whole and exactly as it was when this sidecar was written at a clean close.
     * @throws IOException if it cannot be read.
     */
    boolean matches(final File mapFile) throws IOException
    {
        return clean && mapFile.length() == mapLength && crcOf(mapFile) == mapCrc;
    }

    /**
     * CRC32C of a whole file, read in blocks (a file of hundreds of megabytes takes a fraction of a second).
     */
    static int crcOf(final File file) throws IOException
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
        try (RandomAccessFile raf = new RandomAccessFile(file, "r"); FileChannel channel = raf.getChannel())
        {
            while (channel.read(block) >= 0)
            {
                block.flip();
                crc.update(block);
                block.clear();
            }
        }
        return (int)crc.getValue();
    }
}
