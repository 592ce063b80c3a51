/**
 * The end-to-end harness ({@code ./droplet perf}): Droplet measured through its public client API on a
 * node started the way users start one ({@code Droplet.local()}, invoker profile: the calling thread
 * drives the node, the low-latency profile for a 2-core machine), next to the raw Aeron floor of the
 * same hops and the peers a user would pick instead, in one run, written as a Markdown table,
 * HdrHistogram logs and plots under {@code target/perf/}.
 * <p>
 * How each latency is taken: one request in flight (each latency is one round trip); at a fixed offered
 * rate, from each request's <em>intended</em> send time, so a stall delays the requests behind it and
 * shows in their latencies (coordinated omission corrected); at the highest rate, with many requests in
 * flight, throughput is completions per second over the measured interval. Every result is checked.
 * <p>
 * Lanes: the functions of the cases are declared short, so they run inline on the executor's agent; the
 * {@code call1} and {@code dag2} cases are measured again with the same functions not declared short
 * (rows "1 in flight, pooled lane": each stage handed to the executor's worker pool and back), and
 * {@code PoolScaling} measures the throughput of a function that parks 1 ms as the
 * pool grows (1, 2, 4, 8 and 16 workers, a node each), a section of its own after the table.
 * <p>
 * Nothing is pinned: the machine has two cores and one thread drives the whole node.
 */
package io.droplet.perf.harness;
