/**
 * JMH benchmarks of the wire codecs on the data path: encode and decode of the call, trigger and
 * result messages with reused flyweights, and frame validation. Run with {@code -prof gc} to see that
 * they allocate nothing (about 0 B/op).
 */
package io.droplet.perf.codecs;
