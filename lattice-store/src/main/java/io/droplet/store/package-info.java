/**
 * The lattice key-value store: lattice types and merge laws, the off-heap store, storage node agent, hash ring and gossip. The lattice types, their encoding and their merges are in {@link io.droplet.store.lattice}; the rest is to come.
 */
package io.droplet.store;
