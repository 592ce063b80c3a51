package io.droplet.store.storage;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys whose value this store dropped as corrupt (at recovery, or when a read found it failing its
 * checksum) and has not had again since: a read of one answers "lost", not "absent", because a caller
 * must be able to tell a value that was written and lost from one never written. A merge that stores a
 * value under the key again (a put, or the key's replicas re-syncing it by gossip) takes it off.
 * <p>
 * Kept in a file of the data directory, one key in hex per line, so a restart does not forget it: appended
 * to when a key is lost, rewritten at a clean close. A key in the file that has a value again is harmless:
 * only a read that finds nothing asks here.
 * <p>
 * A line {@value #UNNAMED_LINE} says that entries were lost whose keys could not be named (their key bytes
 * were damaged with them, or the whole file was set aside): from then on the store answers "lost" for an
 * absent key that its {@link WrittenKeys} filter holds. That fact is never taken back (which keys it covers
 * is not known), so the line stays through every rewrite.
 * <p>
 * <b>Note:</b> thread-safe (a concurrent set; lookups use a per-thread probe and allocate nothing). Adding
 * and persisting are rare control-path events.
 */
final class LostKeys
{
    /** The file's name in the data directory. */
    static final String FILE = "lost-keys";
    /** Most keys remembered; past it the store only counts and logs what it loses. */
    static final int MAX_KEYS = 1_000_000;
    /** The line that records losses whose keys are not known. */
    static final String UNNAMED_LINE = "*";
    /** What {@link #parse} returns for {@link #UNNAMED_LINE}: no key has length 0. */
    static final byte[] UNNAMED = new byte[0];

    private final File file;
    private final Set<Key> keys = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Key> probe = ThreadLocal.withInitial(() -> new Key(new byte[StoreContext.MAX_KEY_LENGTH], 0));
    private volatile boolean unnamed;

    /**
     * @param dir data directory; the file there, if any, is read.
     * @throws IOException if it cannot be read.
     */
    LostKeys(final File dir) throws IOException
    {
        this.file = new File(dir, FILE);
        if (file.exists())
        {
            for (final String line : Files.readAllLines(file.toPath(), StandardCharsets.US_ASCII))
            {
                final byte[] key = parse(line);
                if (UNNAMED == key)
                {
                    unnamed = true;
                }
                else if (null != key && keys.size() < MAX_KEYS)
                {
                    keys.add(new Key(key, key.length));
                }
            }
        }
    }

    /**
     * @return keys remembered as lost.
     */
    int size()
    {
        return keys.size();
    }

    /**
     * @return true if the key was lost and has no value again yet (allocates nothing).
     */
    boolean contains(final byte[] key, final int keyLength)
    {
        if (keys.isEmpty())
        {
            return false;
        }
        final Key p = probe.get();
        System.arraycopy(key, 0, p.bytes, 0, keyLength);
        p.set(keyLength);
        return keys.contains(p);
    }

    /**
     * @return true if entries were lost whose keys could not be named (read without a lock: one volatile load).
     */
    boolean unnamedLosses()
    {
        return unnamed;
    }

    /**
     * Records that entries were lost whose keys could not be named, in the file too (control path).
     *
     * @return false if the file could not be written (the fact then holds only until the store closes cleanly).
     */
    boolean markUnnamed()
    {
        if (unnamed)
        {
            return true;
        }
        unnamed = true;
        try
        {
            appendUnnamedTo(file);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * The key has a value again.
     */
    void remove(final byte[] key, final int keyLength)
    {
        if (keys.isEmpty())
        {
            return;
        }
        final Key p = probe.get();
        System.arraycopy(key, 0, p.bytes, 0, keyLength);
        p.set(keyLength);
        keys.remove(p);
    }

    /**
     * Remembers a lost key and appends it to the file (control path).
     *
     * @return false if it could not be remembered (the set is full or the file cannot be written).
     */
    boolean add(final byte[] key, final int keyLength)
    {
        if (keys.size() >= MAX_KEYS)
        {
            return false;
        }
        final byte[] copy = Arrays.copyOf(key, keyLength);
        keys.add(new Key(copy, keyLength));
        try
        {
            appendTo(file, copy);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Rewrites the file with the keys still lost (at a clean close), or deletes it if there are none.
     *
     * @throws IOException if it cannot be written.
     */
    void save() throws IOException
    {
        if (keys.isEmpty() && !unnamed)
        {
            Files.deleteIfExists(file.toPath());
            return;
        }
        final List<String> lines = new ArrayList<>(keys.size() + 1);
        if (unnamed)
        {
            lines.add(UNNAMED_LINE);
        }
        for (final Key key : keys)
        {
            lines.add(HexFormat.of().formatHex(key.bytes, 0, key.length));
        }
        final File temporary = new File(file.getParentFile(), FILE + ".tmp");
        Files.write(temporary.toPath(), lines, StandardCharsets.US_ASCII);
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Appends one key to a lost-keys file (the recovery process writes it before the store opens).
     */
    static void appendTo(final File file, final byte[] key) throws IOException
    {
        Files.write(file.toPath(), List.of(HexFormat.of().formatHex(key)), StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Appends the line recording unnamed losses to a lost-keys file (the recovery process writes it before the
     * store opens).
     */
    static void appendUnnamedTo(final File file) throws IOException
    {
        Files.write(file.toPath(), List.of(UNNAMED_LINE), StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * @return the key a line of the file names, {@link #UNNAMED} for {@link #UNNAMED_LINE}, or null if the line
     * is neither (a line cut short by a crash).
     */
    static byte[] parse(final String line)
    {
        final String hex = line.trim();
        if (UNNAMED_LINE.equals(hex))
        {
            return UNNAMED;
        }
        if (hex.isEmpty() || (hex.length() & 1) != 0 || hex.length() > 2 * StoreContext.MAX_KEY_LENGTH)
        {
            return null;
        }
        try
        {
            return HexFormat.of().parseHex(hex);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /**
     * A key's bytes; equal to another with the same bytes. The probe's fields change between lookups.
     */
    private static final class Key
    {
        final byte[] bytes;
        int length;
        int hash;

        Key(final byte[] bytes, final int length)
        {
            this.bytes = bytes;
            set(length);
        }

        void set(final int length)
        {
            this.length = length;
            int h = 1;
            for (int i = 0; i < length; i++)
            {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        public int hashCode()
        {
            return hash;
        }

        public boolean equals(final Object other)
        {
            return other instanceof Key && ((Key)other).length == length &&
                Arrays.equals(bytes, 0, length, ((Key)other).bytes, 0, length);
        }
    }
}
