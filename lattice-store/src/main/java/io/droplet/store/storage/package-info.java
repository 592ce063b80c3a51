/**
 * The off-heap store: a Chronicle Map persisted to a file in the data directory.
 * <p>
 * Each stored value is {@code int32 CRC32C(key, lattice) | lattice}; an entry whose checksum fails is
 * dropped and reported, never served. A put is a merge done under the entry's write lock (read,
 * merge, write), so concurrent writers to one key never lose an update. The data directory is locked
 * exclusively while open; a clean close leaves a marker and a sidecar with the file's length and checksum.
 * <p>
 * A store file is never a crash loop ({@code StoreRecovery}): before Chronicle Map maps the file, a file
 * shorter than it was is refused ({@link io.droplet.store.storage.StoreFileTruncatedException}: the process
 * should exit with the message); a clean stop whose file still matches its checksum opens as it is; any
 * other file (an unclean stop, a file changed since) is recovered by Chronicle Map in a child JVM
 * ({@link io.droplet.store.storage.StoreRecoveryProcess}), where a crash of its recovery (a SIGSEGV on some
 * damage) ends only the child. A file whose recovery crashes, fails or times out is renamed aside
 * ({@code lattice-store.dat.damaged-<time>}, with its recovery log) and the store starts empty, for its
 * replicas to fill again by gossip. Keys whose entries were dropped as corrupt are remembered (file
 * {@code lost-keys}) and read as {@link io.droplet.store.storage.StoreStatus#DATA_LOST} until a merge
 * stores a value under them again; repairs of Chronicle Map's bookkeeping that lose nothing (stale after
 * any unclean stop) are counted apart and never reported as entries dropped.
 * <p>
 * Damage can take a key's bytes with its value (a zeroed page; a key read from an entry failing its checksum
 * may be the damaged part; a file set aside takes every key). So the store also keeps a Bloom filter of every
 * key it ever held ({@code WrittenKeys}, file {@code written-keys}, mapped, about 10 bits a key, rebuilt from
 * the map's keys if missing or invalid), and any such loss is recorded as a {@code *} line in {@code lost-keys}.
 * From then on an absent key the filter holds reads DATA_LOST too (the store has no delete, so such a key was
 * lost), counted apart ({@code STORE_READS_LOST_UNNAMED}); a key never written reads NOT_FOUND, except the
 * filter's ~1 % false positives, which read DATA_LOST: a wrong error, never a wrong value. A merge that stores
 * the key again makes it readable as before.
 * <p>
 * Keys and values cross into Chronicle Map as {@link io.droplet.store.storage.ByteRegion}s, reusable
 * per-thread arrays that the map reads and fills in place through its own serializer interfaces, so a
 * get (Chronicle Map's {@code getUsing} fast path) and a merge (a query context under the write lock)
 * allocate nothing in steady state; {@code StoreBenchmark} with {@code -prof gc} shows it. The map's
 * header names the region serializers, so a file written when keys and values were {@code byte[]} is
 * refused at open, with a message saying so.
 */
package io.droplet.store.storage;
