/**
 * The off-heap store: a Chronicle Map persisted to a file in the data directory.
 * <p>
 * Each stored value is {@code int32 CRC32C(key, lattice) | lattice}; an entry whose checksum fails is
 * dropped and reported, never served. A put is a merge done under the entry's write lock (read,
 * merge, write), so concurrent writers to one key never lose an update. The data directory is locked
 * exclusively while open; a clean close leaves a marker, and opening without one recovers the map
 * (Chronicle Map's recovery, under that exclusive lock) before serving.
 * <p>
 * Keys and values cross into Chronicle Map as {@link io.droplet.store.storage.ByteRegion}s, reusable
 * per-thread arrays that the map reads and fills in place through its own serializer interfaces, so a
 * get (Chronicle Map's {@code getUsing} fast path) and a merge (a query context under the write lock)
 * allocate nothing in steady state; {@code StoreBenchmark} with {@code -prof gc} shows it. The map's
 * header names the region serializers, so a file written when keys and values were {@code byte[]} is
 * refused at open, with a message saying so.
 */
package io.droplet.store.storage;
