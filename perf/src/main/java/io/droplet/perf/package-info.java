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
 * <p>
 * The runtime's rule that only a protocol's adapter decodes its templates and only its publisher encodes
 * them (so each template is read in one place) is for the modules that ship in a node or a client. Three
 * benchmarks here touch the generated flyweights themselves, on purpose: {@code CodecBenchmark} measures
 * them (encoding and decoding is its subject), and {@code TriggerDispatchBenchmark} and
 * {@code SecurityCheckBenchmark} build the input frames once, outside the measured path, as the sending
 * role would, and read only what the measured adapter produced.
 */
package io.droplet.perf;
