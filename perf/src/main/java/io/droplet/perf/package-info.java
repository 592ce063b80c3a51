/**
 * Droplet's benchmarks. JMH micro-benchmarks live in sub-packages by module
 * ({@link io.droplet.perf.codecs}); they are packaged in {@code perf/target/benchmarks.jar}:
 * <pre>
 *   mvn -B -DskipTests package -pl perf -am
 *   java -jar perf/target/benchmarks.jar -prof gc
 * </pre>
 * End-to-end latency programs use HdrHistogram and run against real media drivers
 * ({@code droplet demo} for transport round trips); {@link io.droplet.perf.peers.PeerMain} measures the
 * peers Droplet is compared with (gRPC, Hazelcast, Dask) doing the same composition.
 */
package io.droplet.perf;
