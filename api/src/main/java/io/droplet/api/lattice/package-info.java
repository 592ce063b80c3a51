/**
 * Lattices, the values of the key-value store: every value is an element of a join semilattice and
 * every write is a merge (associative, commutative, idempotent), so replicas and caches that see the
 * same writes, in any order and any number of times, hold the same value without coordination.
 * <p>
 * Two implementations of the same merges, held to the same bytes by the tests:
 * <ul>
 *   <li>the object model: the sealed {@link io.droplet.api.lattice.Lattice} and its immutable
 *   records ({@link io.droplet.api.lattice.LwwLattice}, {@link io.droplet.api.lattice.SetLattice},
 *   {@link io.droplet.api.lattice.MaxLattice}, {@link io.droplet.api.lattice.BoolLattice},
 *   {@link io.droplet.api.lattice.MapLattice}, {@link io.droplet.api.lattice.OrderedSetLattice},
 *   {@link io.droplet.api.lattice.PriorityLattice}, {@link io.droplet.api.lattice.VectorClock},
 *   {@link io.droplet.api.lattice.SingleKeyCausalLattice},
 *   {@link io.droplet.api.lattice.MultiKeyCausalLattice}), each with {@code merge} and an
 *   independently written order {@code leq}, for clients, the control plane and tests;</li>
 *   <li>{@link io.droplet.api.lattice.LatticeMerger}, which merges encodings in place without
 *   allocating: the storage node's data path.</li>
 * </ul>
 * {@link io.droplet.api.lattice.LatticeCodec} converts between the two through the canonical
 * encoding whose layouts {@link io.droplet.codecs.lattice} documents, and
 * {@link io.droplet.api.lattice.LatticeValidator} checks untrusted encodings before anything reads
 * them. Canonical means one encoding per value, so equal bytes are equal values.
 * <p>
 * Departures from Anna's lattices, each to keep the laws: LWW breaks timestamp ties by node id, then
 * value, instead of keeping the right-hand side; PRIORITY breaks ties by value; the causal lattices
 * are antichains of versions merged as down-sets, because Anna's "dominating clock wins, else union"
 * merge is not associative.
 */
package io.droplet.api.lattice;
