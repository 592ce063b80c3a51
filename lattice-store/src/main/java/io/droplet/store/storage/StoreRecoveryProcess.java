package io.droplet.store.storage;

import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.File;
import java.util.HexFormat;

/**
 * The recovery of a map file after an unclean stop (or a clean one whose file no longer matches its
 * sidecar), run in a process of its own by {@link StoreRecovery}: Chronicle Map's recovery reads every
 * segment of a file it trusts, and a damaged one can make it read outside its mapping in native code,
 * which ends the JVM. Here that ends only this process, and the store's process sets the file aside.
 * <p>
 * After Chronicle Map's recovery, every entry's own checksum (CRC32C of key and lattice) is checked and
 * an entry that fails it is dropped, so the store never serves one. Each dropped entry whose key is known
 * is appended to the data directory's lost-keys file. Any drop also records there that losses went unnamed
 * ({@link LostKeys#UNNAMED_LINE}): some entries are lost with no key at all (their headers were unreadable),
 * and a key read from a damaged entry may itself be the damaged part (the checksum covers key and lattice
 * alike), so the key really lost is then not the one named. The store then answers DATA_LOST for any absent
 * key its written-keys filter holds. Chronicle Map's reports are sorted: repairs of its
 * own bookkeeping that an unclean stop or damage leaves stale (a segment's lowest free chunk, its entry
 * count, a hash-lookup slot naming no key, which is an index rebuilt from the entries) lose nothing and are only
 * counted; a report naming a key that the recovered map still holds lost nothing either (a hash-lookup report
 * naming a key the map no longer holds is a loss: seen when a key's own bytes were damaged). Every other report is an
 * entry dropped (its key, if the report names it, is remembered as lost).
 * <p>
 * Standard output, one line each: {@code STARTED} before the file is touched, {@code DROPPED <what>} per
 * entry dropped, then {@code RECOVERED entries=<n> dropped=<n> repairs=<n>}. Exit status 0 when recovered,
 * {@link #EXIT_INCOMPATIBLE} for a file that is not a store of this version (refused, not damaged).
 * <p>
 * <b>Note:</b> a program, run once per process.
 */
public final class StoreRecoveryProcess
{
    /** Test hook: when set (true) in the opening JVM, the recovery process ends as if its recovery crashed. */
    public static final String CRASH_FOR_TEST_PROP_NAME = "droplet.store.recovery.crash.for.test";
    /** Exit status for a file of another kind (an earlier version's), which must be refused, not set aside. */
    static final int EXIT_INCOMPATIBLE = 3;
    /** Says the process started and is about to touch the file. */
    static final String STARTED = "STARTED";
    /** Begins the line of each entry dropped. */
    static final String DROPPED = "DROPPED ";
    /** Begins the line of each repair that lost nothing (for the log only). */
    static final String REPAIRED = "REPAIRED ";
    /** Begins the last line. */
    static final String RECOVERED = "RECOVERED ";

    private static final String KEY_MARK = "key: ByteRegion{";
    private static final int MAX_REPORT = 400;

    private static final java.util.List<String> REPORTS = new java.util.ArrayList<>();
    private static final java.util.List<byte[]> REPORTED_KEYS = new java.util.ArrayList<>();
    private static long dropped;
    private static boolean unnamedRecorded;
    /** The data directory's lost-keys file (static: Chronicle Map calls the corruption listener with no context of ours). */
    private static File lostKeys;
    private static long repairs;

    private StoreRecoveryProcess()
    {
    }

    /**
     * @param args data directory, entries, average key size, average stored value size (checksum included),
     *             largest value, map name.
     */
    public static void main(final String[] args)
    {
        final File dir = new File(args[0]);
        final File mapFile = new File(dir, LatticeStore.MAP_FILE);
        lostKeys = new File(dir, LostKeys.FILE);
        final int maxValueLength = Integer.parseInt(args[4]);
        System.out.println(STARTED);
        System.out.flush();
        if (Boolean.getBoolean(CRASH_FOR_TEST_PROP_NAME))
        {
            // Test hook: ends this JVM as Chronicle Map's recovery does on some damage (a fatal error, status 134).
            Runtime.getRuntime().halt(134);
        }

        final ChronicleMap<ByteRegion, ByteRegion> map;
        try
        {
            map = ByteRegion.requireRegions(ByteRegion.mapBuilder()
                .name(args[5])
                .entries(Long.parseLong(args[1]))
                .averageKeySize(Integer.parseInt(args[2]))
                .averageValueSize(Integer.parseInt(args[3]))
                .checksumEntries(true)
                .recoverPersistedTo(mapFile, true, StoreRecoveryProcess::onCorruption), mapFile);
        }
        catch (final IllegalStateException ex)
        {
            if (null != ex.getMessage() && ex.getMessage().contains("written by an earlier version"))
            {
                System.out.println(ex.getMessage());
                System.out.flush();
                System.exit(EXIT_INCOMPATIBLE);
            }
            throw ex;
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }

        // Chronicle Map's reports, now that the map says which of the keys they name it still holds.
        final ByteRegion probe = new ByteRegion(StoreContext.MAX_KEY_LENGTH);
        for (int i = 0; i < REPORTS.size(); i++)
        {
            final byte[] key = REPORTED_KEYS.get(i);
            if (null != key && map.containsKey(probe.copyFrom(new org.agrona.concurrent.UnsafeBuffer(key), 0, key.length)))
            {
                repairs++;
                System.out.println(REPAIRED + "(the entry is still there) " + clip(REPORTS.get(i)));
                continue;
            }
            dropped++;
            report(REPORTS.get(i), key);
        }

        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        final ByteRegion keyRegion = new ByteRegion(StoreContext.MAX_KEY_LENGTH);
        final ByteRegion storedRegion = new ByteRegion(LatticeStore.CHECKSUM_LENGTH + maxValueLength);
        map.forEachEntry(entry ->
        {
            final ByteRegion key = entry.key().getUsing(keyRegion);
            final ByteRegion stored = entry.value().getUsing(storedRegion);
            if (key.length() < 1 || key.length() > StoreContext.MAX_KEY_LENGTH ||
                !StoredEntry.checksumMatches(crc, key.array(), key.length(), stored.array(), stored.length()))
            {
                dropped++;
                final byte[] keyBytes = key.toByteArray();
                report("entry failed its checksum: key of " + keyBytes.length + " bytes", keyBytes);
                entry.doRemove();
            }
        });
        final long entries = map.longSize();
        map.close();
        System.out.println(RECOVERED + "entries=" + entries + " dropped=" + dropped + " repairs=" + repairs);
        System.out.flush();
        System.exit(0);
    }

    private static void onCorruption(final ChronicleHashCorruption corruption)
    {
        final String message = String.valueOf(corruption.message());
        if (message.startsWith("Wrong number of entries counter"))
        {
            // The segment counted more entries than recovery found: that many were lost without a report of
            // their own (their headers were damaged beyond reading), and their keys are not known.
            final long unaccounted = field(message, "stored: ") - field(message, "should be: ");
            if (unaccounted > 0)
            {
                dropped += unaccounted;
                report("segment " + corruption.segmentIndex() + ": " + unaccounted + " entries lost whose keys " +
                    "cannot be read (" + message + ")", null);
                return;
            }
        }
        final byte[] key = keyOf(message);
        if (message.startsWith("wrong lowest free chunk") || message.startsWith("Wrong number of entries counter") ||
            (message.startsWith("HashLookup searchKey") && null == key))
        {
            // Bookkeeping recomputed from the entries (a hash-lookup slot is an index over them): nothing is lost.
            // A hash-lookup report that names a key is judged like the others below: when the key's bytes were the
            // damaged part, the slot no longer matches its entry, and recovery can lose that entry with no other report.
            repairs++;
            System.out.println(REPAIRED + "segment " + corruption.segmentIndex() + ": " + clip(message));
            return;
        }
        // Judged once recovery is over: an entry it names may still be there.
        REPORTS.add("segment " + corruption.segmentIndex() + ": " + message);
        REPORTED_KEYS.add(key);
    }

    private static void report(final String what, final byte[] key)
    {
        System.out.println(DROPPED + clip(what));
        System.out.flush();
        if (!unnamedRecorded)
        {
            // Before the entry goes: were this process to die after the drop, the fact must already be on file.
            try
            {
                LostKeys.appendUnnamedTo(lostKeys);
                unnamedRecorded = true;
            }
            catch (final java.io.IOException ex)
            {
                System.out.println(DROPPED + "(could not record that losses went unnamed: " + ex + ")");
            }
        }
        if (null != key && key.length > 0)
        {
            try
            {
                LostKeys.appendTo(lostKeys, key);
            }
            catch (final java.io.IOException ex)
            {
                System.out.println(DROPPED + "(could not remember the key as lost: " + ex + ")");
            }
        }
    }

    private static String clip(final String what)
    {
        return (what.length() > MAX_REPORT ? what.substring(0, MAX_REPORT) + "..." : what).replace('\n', ' ');
    }

    private static long field(final String message, final String name)
    {
        final int at = message.indexOf(name);
        if (at < 0)
        {
            return 0;
        }
        int end = at + name.length();
        while (end < message.length() && Character.isDigit(message.charAt(end)))
        {
            end++;
        }
        return end > at + name.length() ? Long.parseLong(message.substring(at + name.length(), end)) : 0;
    }

    /**
     * The key a Chronicle Map report names, from {@link ByteRegion#toString()}, or null if it names none whole.
     */
    static byte[] keyOf(final String message)
    {
        final int mark = message.indexOf(KEY_MARK);
        if (mark < 0)
        {
            return null;
        }
        final int hexStart = message.indexOf("hex=", mark);
        if (hexStart < 0)
        {
            return null;
        }
        int end = hexStart + 4;
        while (end < message.length() && Character.digit(message.charAt(end), 16) >= 0)
        {
            end++;
        }
        if (end >= message.length() || message.charAt(end) != '}')
        {
            return null;
        }
        try
        {
            final byte[] key = HexFormat.of().parseHex(message, hexStart + 4, end);
            return key.length >= 1 && key.length <= StoreContext.MAX_KEY_LENGTH ? key : null;
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }
}
