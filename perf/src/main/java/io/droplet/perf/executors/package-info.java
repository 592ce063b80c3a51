/**
 * JMH benchmarks of the executor's data path: triggers through a real embedded media driver, and the
 * host cache's get and put (the mapped Chronicle Map that executors read references from).
 */
package io.droplet.perf.executors;
