/**
 * JMH benchmarks of the lattice store: merges of encoded lattices (LWW, set, single-key causal) and
 * the off-heap store's get and put (a merge under the entry lock, persisted to a mapped file).
 */
package io.droplet.perf.store;
