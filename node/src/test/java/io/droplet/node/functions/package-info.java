/**
 * Functions the tests register by class, loaded by executors in other processes.
 */
package io.droplet.node.functions;
