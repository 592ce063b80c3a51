/**
 * The public client API that services link: {@link io.droplet.client.DropletClient} registers functions
 * and DAGs and calls them (FG: block with a deadline; BG: a {@code CompletableFuture}; NO_RETURN: fire
 * and forget). Every failure is a {@link io.droplet.api.DropletException} carrying a typed
 * {@link io.droplet.codecs.sbe.ErrorCode}; no call waits past its deadline.
 * <p>
 * The client is an agent ({@link io.droplet.client.ClientConductor}) on the node's duty cycle, fed by a
 * queue from user threads; a future is completed on that agent's thread, so continuations that do real
 * work should use the {@code *Async} variants. This package never imports a server role:
 * {@code io.droplet.node.Droplet#local()} builds a whole node and hands back this same API.
 * <p>
 * Inside, protocol first: user threads make each request into a {@link io.droplet.client.PendingRequest}
 * of its kind (one-shot call, broadcast collector, periodic runs, storage get or put, registry request,
 * function list, Connect) and queue it; on the agent's thread {@link io.droplet.client.InFlightRequests}
 * sends it through the {@link io.droplet.client.ClientPublisher}, tracks its deadline, and hands it the
 * answers the {@link io.droplet.client.ClientAdapter} decodes. The storage half of that (encoding, decoding,
 * replica failover) is the storage protocol's own, shared with every storage client
 * ({@code io.droplet.store.node}). {@link io.droplet.client.DropletClient} delegates to its parts:
 * {@code Registrations}, {@code Calls}, {@code LatticeKvs}.
 */
package io.droplet.client;
