/**
 * The public client API services link: register, call, call DAG, futures, KVS get and put. Filled in by the runtime work; empty for now.
 */
package io.droplet.client;
