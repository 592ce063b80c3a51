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
 * Nothing is pinned: the machine has two cores and one thread drives the whole node.
 */
package io.droplet.perf.harness;
