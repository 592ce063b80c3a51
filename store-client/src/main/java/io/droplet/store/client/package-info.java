/**
 * The client side of the storage protocol, written once for every role that talks to storage (the
 * host cache, the scheduler's registry, the public client):
 * {@link io.droplet.store.client.StoreRequestPublisher} encodes the requests in place,
 * {@link io.droplet.store.client.StoreResponseAdapter} decodes each answer once for a
 * {@link io.droplet.store.client.StoreResponseListener}, and
 * {@link io.droplet.store.client.PendingStoreRequests} tracks each request's node and deadline and
 * fails a key over to its next replica on the {@link io.droplet.store.ring.HashRing}.
 * {@link io.droplet.store.client.StoreClient} composes them into an agent for the server roles.
 * <p>
 * It lives in a module of its own, below the storage node, so that the client library reaches storage
 * without Chronicle Map.
 */
package io.droplet.store.client;
