/**
 * Executor and host cache agents and function loading. Filled in by the runtime work; empty for now.
 */
package io.droplet.executors;
