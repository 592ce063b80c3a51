/**
 * The scheduler: registry, membership, placement, DAG invocation bookkeeping, call modes, periodic calls. Filled in by the runtime work; empty for now.
 */
package io.droplet.scheduler;
