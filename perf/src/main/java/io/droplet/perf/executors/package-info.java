/**
 * JMH benchmarks of the executor's data path: triggers through a real embedded media driver.
 */
package io.droplet.perf.executors;
