/**
 * Benchmarks of the transport's per-frame work beyond Aeron: the security checks of a secured node.
 */
package io.droplet.perf.transport;
