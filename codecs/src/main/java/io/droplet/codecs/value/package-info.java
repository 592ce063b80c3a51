/**
 * The value encoding for function arguments and results (DESIGN.md section 7): null, boolean, long,
 * double, string, bytes, KVS reference, list, map, and an extension tag for types with a registered
 * {@link io.droplet.codecs.value.ValueCodec}. Never Java's built-in serialization.
 * <p>
 * Layout, little-endian, one tag byte then the payload:
 * <pre>
 *   0 NULL                       (no payload)
 *   1 FALSE, 2 TRUE              (no payload)
 *   3 LONG      int64
 *   4 DOUBLE    float64 (IEEE 754 bits)
 *   5 STRING    int32 length, UTF-8 bytes
 *   6 BYTES     int32 length, bytes
 *   7 REFERENCE int32 length, UTF-8 key bytes
 *   8 LIST      int32 count, int32 body length, count values
 *   9 MAP       int32 count, int32 body length, count (key value) pairs
 *  10 EXTENSION int32 codec type id, int32 length, bytes
 * </pre>
 * Containers carry their body length so a reader can skip them in O(1).
 * {@link io.droplet.codecs.value.ValueWriter} and {@link io.droplet.codecs.value.ValueReader} are
 * allocation-free flyweights for the data path; {@link io.droplet.codecs.value.Values} maps plain Java
 * objects for the control path and tests; {@link io.droplet.codecs.value.ValueValidator} checks an
 * untrusted encoding before anything reads it.
 */
package io.droplet.codecs.value;
