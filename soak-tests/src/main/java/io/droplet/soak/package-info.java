/**
 * Multi-process fault and endurance tests. Filled in by the reliability work; empty for now.
 */
package io.droplet.soak;
