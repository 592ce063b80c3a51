/**
 * The off-heap store: a Chronicle Map persisted to a file in the data directory.
 * <p>
 * Each stored value is {@code int32 CRC32C(key, lattice) | lattice}; an entry whose checksum fails is
 * dropped and reported, never served. A put is a merge done under the entry's write lock (read,
 * merge, write), so concurrent writers to one key never lose an update. The data directory is locked
 * exclusively while open; a clean close leaves a marker, and opening without one recovers the map
 * (Chronicle Map's recovery, under that exclusive lock) before serving.
 * <p>
 * Keys and values cross into Chronicle Map as {@code byte[]}: the store path allocates two small
 * arrays per operation. That is the price of Chronicle's generic API here; the host cache, which is
 * on the executors' hot path, is where zero-copy access matters.
 */
package io.droplet.store.storage;
