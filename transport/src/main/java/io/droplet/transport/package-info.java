/**
 * Aeron plumbing, and nothing of lattices or DAGs.
 * <ul>
 *   <li>{@link io.droplet.transport.Transport}: the process's media driver (embedded or external) and
 *   Aeron client, with the threading profiles of {@link io.droplet.transport.ThreadingProfile};</li>
 *   <li>{@link io.droplet.transport.ChannelResolver}: a node address becomes IPC on the same host and
 *   UDP across hosts, chosen here, never by callers;</li>
 *   <li>{@link io.droplet.transport.NodeChannels}: one node's inbound subscriptions and its
 *   {@link io.droplet.transport.PeerDirectory} of outbound publishers;</li>
 *   <li>{@link io.droplet.transport.MessagePublisher}: in-place encoding through {@code tryClaim}
 *   (or {@code offer} of a reused buffer for messages larger than one frame), every offer result
 *   handled and counted, back-pressure retried within the caller's deadline;</li>
 *   <li>{@link io.droplet.transport.InboundAdapter}: polls, reassembles fragments, validates every
 *   frame with {@link io.droplet.codecs.FrameValidator} and dispatches to a
 *   {@link io.droplet.transport.FrameHandler};</li>
 *   <li>{@link io.droplet.transport.SessionGate}: with the deployment's credentials, admits frames only from
 *   nodes and authenticated clients, within their grants and namespaces (see
 *   {@link io.droplet.transport.security});</li>
 *   <li>{@link io.droplet.transport.PendingRequests}: correlation ids and per-request deadlines;</li>
 *   <li>{@link io.droplet.transport.TransportCounters} and {@link io.droplet.transport.ErrorLogFile}:
 *   counters in Aeron's CnC file and a distinct error log, both readable from outside the process;</li>
 *   <li>{@link io.droplet.transport.FailStop}: makes duty cycles fail-stop, reporting the first {@code Error}
 *   or escaping exception to an {@link io.droplet.transport.AgentFailureListener} instead of leaving a dead
 *   thread in a process that looks alive.</li>
 * </ul>
 * {@link io.droplet.transport.echo} is the smallest protocol built on these parts: ping and pong.
 */
package io.droplet.transport;
