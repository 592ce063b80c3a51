/**
 * The public client API that services link: {@link io.droplet.client.DropletClient} registers functions
 * and DAGs and calls them (FG: block with a deadline; BG: a {@code CompletableFuture}; NO_RETURN: fire
 * and forget). Every failure is a {@link io.droplet.client.DropletException} carrying a typed
 * {@link io.droplet.codecs.sbe.ErrorCode}; no call waits past its deadline.
 * <p>
 * The client is an agent ({@link io.droplet.client.ClientConductor}) on the node's duty cycle, fed by a
 * queue from user threads; a future is completed on that agent's thread, so continuations that do real
 * work should use the {@code *Async} variants. This package never imports a server role:
 * {@code io.droplet.node.Droplet#local()} builds a whole node and hands back this same API.
 */
package io.droplet.client;
