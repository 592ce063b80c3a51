/**
 * Latency programs that run against real media drivers: {@link io.droplet.node.bench.EchoLatency}
 * measures transport round trips (the floor every Droplet hop stands on) with HdrHistogram.
 */
package io.droplet.node.bench;
