/**
 * The lattice key-value store (Anna-style): every value is a lattice and every write is a merge, so
 * replicas and caches converge without coordination.
 * <ul>
 *   <li>{@link io.droplet.store.lattice}: the lattice types, their canonical encodings, validation and
 *   merge laws, with an allocation-free merger over encoded values;</li>
 *   <li>{@link io.droplet.store.storage}: the off-heap, persisted, crash-recoverable store;</li>
 *   <li>{@link io.droplet.store.ring}: the consistent hash ring that places keys on replicas;</li>
 *   <li>{@link io.droplet.store.node}: the storage node agent (get, put, multi-get, replication, gossip,
 *   subscriptions) and its client.</li>
 * </ul>
 */
package io.droplet.store;
