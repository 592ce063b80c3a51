/**
 * Fault, soak and bad-input tests with real processes: standalone media drivers and {@code droplet node}
 * processes started as operators start them ({@link io.droplet.soak.Deployment}), clients in the test
 * JVM. Each test prints its seed and keeps its logs and driver directories when it fails. The default
 * build runs a short version of each; system properties lengthen them (for example
 * {@code -Dsoak.duration=PT30M} for SOAK; the README's developer section lists them).
 */
package io.droplet.soak;
