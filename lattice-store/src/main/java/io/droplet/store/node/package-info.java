/**
 * The storage node agent.
 * <p>
 * A {@link io.droplet.store.node.StorageNode} serves get, multi-get and put (a lattice merge) for the
 * keys on its shard of the {@link io.droplet.store.ring.HashRing}. A put reaches any node, the
 * coordinator; it merges locally if it is a replica of the key and forwards a {@code KvsMerge} to the
 * key's other replicas. With ack level ONE the client is answered after the first replica merged;
 * with ALL, after every replica merged, or with TIMEOUT if one did not answer in time (the merges that
 * did happen stay: lattices make a retry harmless).
 * <p>
 * Replicas converge by gossip: each node remembers, per peer, the keys that changed since it last
 * sent that peer their value, and every gossip period (default 100 ms) sends them in batches. A send
 * that fails leaves the keys pending for the next round. A node that starts sends every peer a hello
 * (a gossip of round 0), and a peer answers it by sending every key the two share, so a node that was
 * down, or lost messages in flight when it died, catches up.
 * <p>
 * Caches subscribe to keys; after any merge that changes a subscribed key the node pushes the merged
 * value in a {@code KeyUpdate}.
 * <p>
 * Clients introduce themselves with {@code Connect} (their node id and endpoint) so replies can reach
 * them; in a secured deployment the transport's session gate authenticates that handshake first. The
 * client side of this protocol is {@code io.droplet.store.client}.
 * <p>
 * Inside the node, protocol first: {@link io.droplet.store.node.StorageNodeAdapter} decodes each message
 * once and calls a {@link io.droplet.store.node.StorageNodeListener} method;
 * {@link io.droplet.store.node.StorageNodePublisher} encodes every answer in place. The agent is a duty
 * cycle over state machines with one job each: {@code ShardReader} (gets), {@code ReplicaCoordinator}
 * (puts and ack levels), {@code AntiEntropy} (gossip, hello, catch-up), {@code KeySubscriptions}
 * (subscribers and pushes), over a {@code LocalShard} that merges and tells who must hear of a change.
 * Each is driven in unit tests through its methods with an injected clock and a recording
 * {@link io.droplet.store.node.StoragePublisher}.
 */
package io.droplet.store.node;
