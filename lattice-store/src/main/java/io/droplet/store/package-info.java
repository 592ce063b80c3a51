/**
 * The lattice key-value store's server side (Anna-style): every value is a lattice and every write is a
 * merge, so replicas and caches converge without coordination.
 * <ul>
 *   <li>{@link io.droplet.store.storage}: the off-heap, persisted, crash-recoverable store;</li>
 *   <li>{@link io.droplet.store.node}: the storage node agent (get, put, multi-get, replication, gossip,
 *   subscriptions).</li>
 * </ul>
 * The lattice types, their encodings, validation and merge laws are in {@code io.droplet.api.lattice};
 * the hash ring and the storage client in the store-client module ({@code io.droplet.store.ring},
 * {@code io.droplet.store.client}).
 */
package io.droplet.store;
