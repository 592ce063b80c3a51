/**
 * Who may send to a node, and what they may ask of it.
 * <ul>
 *   <li>{@link io.droplet.transport.security.CredentialsFile}: the deployment key (nodes) and each client's
 *   identity, namespace, secret and granted {@link io.droplet.transport.security.Action}s;</li>
 *   <li>{@link io.droplet.transport.security.Proofs}: HMAC-SHA256 proofs over single-use nonces, session and
 *   node tokens (JDK cryptography only);</li>
 *   <li>{@link io.droplet.transport.security.Principal}: the sender of the frame being handled, a node or a
 *   client in its namespace;</li>
 *   <li>{@link io.droplet.transport.security.NameCheck} (over the names {@link io.droplet.transport.security.RequestNamesAdapter}
 *   reads) and {@link io.droplet.transport.security.Namespaces}:
 *   every name a client's request carries must lie in its namespace, checked in place without allocation.</li>
 * </ul>
 * The gate that applies them to every inbound frame is {@link io.droplet.transport.SessionGate}, run by a
 * node's {@link io.droplet.transport.InboundAdapter}. Decisions written down: tokens travel in the Aeron
 * frame header's reserved value (no schema change, no cost on the data path beyond one map lookup); a
 * session is bound to the Aeron image it authenticated on; nothing is answered to a source that has not
 * authenticated except the Challenge of a Connect; confidentiality is left to the network (a tunnel), as
 * Aeron's UDP is not encrypted.
 */
package io.droplet.transport.security;
