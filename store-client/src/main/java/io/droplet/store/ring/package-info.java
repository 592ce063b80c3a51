/**
 * Consistent hashing: {@link io.droplet.store.ring.HashRing} places each key on R distinct storage
 * nodes, using virtual nodes so that load spreads evenly and a joining or leaving node moves only
 * the keys it gains or loses.
 */
package io.droplet.store.ring;
