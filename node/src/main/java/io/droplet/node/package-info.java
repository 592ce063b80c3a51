/**
 * The per-host process and the {@code droplet} command line. {@link io.droplet.node.NodeLauncher} starts
 * the roles a {@link io.droplet.node.NodeContext} names (storage node, schedulers, host cache, executors)
 * and maps their agents to threads by the threading profile ({@link io.droplet.node.RoleThreads}); both
 * {@link io.droplet.node.Droplet#local()} (a whole node in this process) and {@code droplet node} (roles
 * against the host's media driver) use it. The {@code cli} package holds the commands, including the
 * observability readers ({@code droplet stat}, {@code droplet errors}).
 * <p>
 * A node that cannot work stops: an {@code Error} or an exception escaping a duty cycle stops that runner and is
 * reported once ({@link io.droplet.transport.FailStop}, wired by {@link io.droplet.node.NodeContext#agentFailureListener}).
 * {@code droplet node} and {@code droplet local} then close the node and exit 70 with one line on standard
 * error. {@link io.droplet.node.Droplet#local()} runs inside an application's JVM, so it never ends the process:
 * it closes the node, fails every call of its client at once with INTERNAL and tells
 * {@link io.droplet.node.LocalContext#nodeFailureHandler} ({@code LocalNodeFailure}); the
 * application decides whether to exit. {@code InjectedFailure} is a test-only hook that forces
 * such a failure.
 */
package io.droplet.node;
