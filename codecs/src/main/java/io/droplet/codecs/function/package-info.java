/**
 * The shape of a Droplet function (DESIGN.md section 7): {@link io.droplet.codecs.function.DropletFunction}
 * reads its arguments and writes its result in the value encoding, through flyweights, so running a
 * function with built-in value types allocates nothing. It lives here, below both the client (which
 * registers functions) and the executors (which run them), because the client must never import a
 * server role.
 */
package io.droplet.codecs.function;
