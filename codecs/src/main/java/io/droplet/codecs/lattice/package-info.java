/**
 * The storage and wire encoding of lattices, the values of the lattice key-value store: every write
 * to a key is a merge (associative, commutative, idempotent), so replicas and caches converge in any
 * order without coordination. This package holds only the {@link io.droplet.codecs.lattice.LatticeType}
 * tags and, below, the layouts; the object model, codec, validator and merges live in the
 * api module ({@code io.droplet.api.lattice}).
 * <p>
 * The encoding is <em>canonical</em>: every value has exactly one encoding (collections sorted,
 * without duplicates, without entries equal to the default), so two encodings are equal as bytes
 * exactly when the values are equal. A store detects "the merge changed nothing" by comparing bytes,
 * and a validator rejects every other encoding.
 * <p>
 * Every lattice is one tag byte, then its payload. All integers are little-endian. Notation:
 * <pre>
 *   bytes      int32 length (&gt;= 0), then length raw bytes
 *   key        a bytes whose content is well-formed UTF-8 (RFC 3629: no overlong forms, no
 *              surrogates, nothing above U+10FFFF)
 *   clock      int32 count (&gt;= 0), then count (int64 node id, int64 counter) entries,
 *              node ids strictly ascending (signed), counters &gt; 0 (a missing node means 0, so a
 *              zero counter would be a second encoding of the same clock)
 * </pre>
 * Byte strings are ordered unsigned lexicographically, a proper prefix first; keys are ordered by
 * their UTF-8 bytes the same way (which is Unicode code point order).
 * <pre>
 *  tag type                payload
 *   1  LWW                 int64 timestamp, int64 writer node id, bytes value
 *   2  SET                 int32 count, count bytes: strictly ascending by content
 *   3  MAX                 int64 value
 *   4  BOOL                1 byte: 0 or 1
 *   5  MAP                 int32 count, count (key, bytes value) entries: keys strictly ascending,
 *                          each value a whole encoded lattice (tag + payload), maps nested at most
 *                          16 deep (a top-level map is depth 1)
 *   6  ORDERED_SET         int32 count, count (int64 rank, bytes element) entries: strictly
 *                          ascending by (rank signed, element)
 *   7  PRIORITY            float64 priority (IEEE 754 bits; NaN only as 0x7ff8000000000000),
 *                          bytes value
 *   8  VECTOR_CLOCK        clock
 *   9  SINGLE_KEY_CAUSAL   int32 count, count versions, each: clock, bytes value
 *  10  MULTI_KEY_CAUSAL    int32 count, count versions, each: clock, dependencies, bytes value
 *                          where dependencies = int32 count, count (key, clock) entries with keys
 *                          strictly ascending
 * </pre>
 * Versions of the causal types are strictly ascending by their encoded bytes (compared unsigned
 * lexicographically) and form an antichain: no version's clock is strictly dominated (pointwise
 * &lt;= and not equal) by another version's clock. Versions with equal or concurrent clocks may
 * coexist. A causal value holds at most 64 versions, and its versions less one times the entries of
 * all its versions' clocks is at most 65,536: checking the antichain compares pairs of versions, and
 * no exact check is subquadratic in the worst case, so these bounds keep it under a millisecond. A
 * value past them is refused as too large, and so is a merge whose result would be.
 * <p>
 * Merges, in lattice order:
 * <pre>
 *   LWW                the larger (timestamp, node id, value) wins, compared in that order
 *   SET, ORDERED_SET   union
 *   MAX                maximum
 *   BOOL               or
 *   MAP                union of keys; values under a key present in both are merged, and must be
 *                      of the same type
 *   PRIORITY           the lower priority wins (Double.compare order); on equal priority the larger
 *                      value bytes win
 *   VECTOR_CLOCK       pointwise maximum
 *   causal types       union of the versions, then every version whose clock is strictly dominated
 *                      by another version's clock is dropped
 * </pre>
 */
package io.droplet.codecs.lattice;
