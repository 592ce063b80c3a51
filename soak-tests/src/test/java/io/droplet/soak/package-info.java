/**
 * Fault, soak and bad-input tests with real processes: standalone media drivers and {@code droplet node}
 * processes started as operators start them ({@link io.droplet.soak.Deployment}), clients in the test
 * JVM. Each test prints its seed and keeps its logs and driver directories when it fails. The default
 * build runs a short version of each; {@code -Psoak} with {@code -Dsoak.duration=PT30M} runs the long ones.
 */
package io.droplet.soak;
