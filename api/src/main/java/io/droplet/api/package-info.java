/**
 * What users program against, and nothing else: the function interfaces
 * ({@link io.droplet.api.DropletFunction}, {@link io.droplet.api.ShortFunction} for the microsecond path run inline
 * on the executor's agent, {@link io.droplet.api.StatefulFunction}, {@link io.droplet.api.KeyedFunction} with its
 * {@link io.droplet.api.KeyedState}: one activation per key), the
 * {@link io.droplet.api.Invocation} a function runs in (arguments and result in the value encoding, read
 * and written in place through flyweights, so a function over built-in value types allocates nothing),
 * its {@link io.droplet.api.FunctionState} and {@link io.droplet.api.Mailbox}, DAG edges
 * ({@link io.droplet.api.Connection}), call handles ({@link io.droplet.api.PeriodicCall},
 * {@link io.droplet.api.BroadcastResult}) and the one exception every failure reaches a caller as
 * ({@link io.droplet.api.DropletException}, with a typed {@code ErrorCode}).
 * <p>
 * The lattice values of the key-value store are in {@link io.droplet.api.lattice}. References to keys
 * and the value encoding stay in the codecs ({@code io.droplet.codecs.value}), which this module builds
 * on. No Aeron, no Chronicle Map: a service that links the client pulls in this module, the codecs, the
 * transport and the storage client, never a server role.
 */
package io.droplet.api;
