/**
 * Peers: other systems doing what Droplet's two-function DAG does, so the end-to-end harness can put
 * their latency next to Droplet's. Each {@link io.droplet.perf.peers.PeerSystem} runs
 * {@code square(increment(x))} on longs through its own remote calls on loopback, one call in flight;
 * {@link io.droplet.perf.peers.PeerMain} times them into HdrHistograms and checks every result.
 * <ul>
 *     <li>{@link io.droplet.perf.peers.GrpcPeer}: gRPC-java, increment and square each a service on its
 *     own Netty server, chained by the caller with blocking unary calls; an 8-byte long as the message,
 *     without protobuf, so the comparison measures the RPC stack rather than a codec.</li>
 *     <li>{@link io.droplet.perf.peers.HazelcastPeer}: a Hazelcast member in a JVM of its own and a client
 *     in the harness's; the functions are executor tasks and the result is stored in an {@code IMap},
 *     because Droplet's functions keep state too. Tasks cross the process boundary in Hazelcast's
 *     {@code IdentifiedDataSerializable}, not Java serialization.</li>
 *     <li>{@link io.droplet.perf.peers.DaskPeer}: Dask distributed (Debian's package, installed on
 *     first use if missing) with one worker process of one thread, timed inside Python where its users
 *     see the calls.</li>
 * </ul>
 * Why they are configured this way:
 * <ul>
 *     <li><b>Defaults, as users get them.</b> Thread pools, batching intervals (Dask's add milliseconds
 *     per hop) and flow control are left alone; tuning each peer would measure our effort, not the
 *     system. Each peer does add what a careful user adds: deadlines on calls, {@code pure=False} on
 *     Dask submissions (else repeated arguments are answered from its cache of results).</li>
 *     <li><b>Separate processes where the system is meant to run that way</b> (the Hazelcast member,
 *     Dask's scheduler and worker), so every hop is a real socket, as Droplet's hops are; gRPC's servers
 *     share the harness's JVM but are still reached over TCP.</li>
 *     <li><b>127.0.0.1 only, ephemeral ports, a cluster name unique to each run, multicast, phone-home,
 *     dashboards and logging off</b>, so runs neither meet each other nor reach outside the machine,
 *     and nothing but results is printed.</li>
 *     <li><b>Bounded</b>: every start, call and stop has a deadline, and closing a peer ends the processes
 *     it started, their children included.</li>
 * </ul>
 * The peers are measured as their users write them, so the no-allocation rules of Droplet's data path
 * do not apply here: values are boxed where the peers' APIs want objects.
 * <p>
 * Latencies are closed-loop service times (the next call starts when the last ends). The machine's noise
 * moves results between runs: compare ratios taken in the same run, over more than one run.
 */
package io.droplet.perf.peers;
