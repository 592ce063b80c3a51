/**
 * The lattice key-value store: lattice types and merge laws, the off-heap store, storage node agent, hash ring and gossip. Filled in by the lattice-store work; empty for now.
 */
package io.droplet.store;
