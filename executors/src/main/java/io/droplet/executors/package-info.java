/**
 * The executor role: {@link io.droplet.executors.ExecutorAgent} receives {@code Trigger}s, runs the
 * stage's function with its arguments, and sends the output straight to the executor of each next
 * stage, or to the caller for the DAG's sink (DESIGN.md section 4). A stage with several parents waits
 * for all of them and gets their outputs in stage order. Executors announce themselves, their
 * functions and their load to the scheduler by heartbeat.
 * <p>
 * Functions come from {@link io.droplet.executors.LocalFunctions} (registered in-process); shipping
 * code to remote executors, stateful classes, process functions and the host cache are later work.
 */
package io.droplet.executors;
