/**
 * Droplet's benchmarks. JMH micro-benchmarks live in sub-packages by module
 * ({@link io.droplet.perf.codecs}); they are packaged in {@code perf/target/benchmarks.jar}:
 * <pre>
 *   mvn -B -DskipTests package -pl perf -am
 *   java -jar perf/target/benchmarks.jar -prof gc
 * </pre>
 * End-to-end latency programs use HdrHistogram and run against real media drivers
 * ({@code droplet demo} for transport round trips); {@link io.droplet.perf.peers.PeerMain} measures the
 * peers Droplet is compared with (gRPC, Hazelcast, Dask) doing the same composition;
 * {@link io.droplet.perf.floor.FloorMain} measures the raw-Aeron floor under Droplet's message path; and
 * {@link io.droplet.perf.report.PerfReport} writes the comparison's table, histogram logs and plots.
 */
package io.droplet.perf;
