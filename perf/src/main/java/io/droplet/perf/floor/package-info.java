/**
 * The raw-Aeron floor: what Droplet's message path costs with nothing but Aeron on it, so the report
 * can show how much of Droplet's latency is the transport and how much is Droplet.
 * {@link io.droplet.perf.floor.AeronChain} sends one message round a ring of hops (IPC on one host, UDP
 * between hosts, payloads of Droplet's size, relayed by copying at each node);
 * {@link io.droplet.perf.floor.FloorRun} times round trips into an HdrHistogram and checks each value;
 * {@link io.droplet.perf.floor.FloorMain} prints the IPC chain and the two-host DAG path.
 * <p>
 * It is driven as Droplet is in its invoker profile: embedded drivers, no thread but the caller's, so
 * on a 2-core host nothing else competes for a core and the numbers compare like for like.
 */
package io.droplet.perf.floor;
