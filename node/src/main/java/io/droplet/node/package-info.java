/**
 * The per-host process and the {@code droplet} command line. {@link io.droplet.node.NodeLauncher} starts
 * the roles a {@link io.droplet.node.NodeContext} names (storage node, schedulers, host cache, executors)
 * and maps their agents to threads by the threading profile ({@link io.droplet.node.RoleThreads}); both
 * {@link io.droplet.node.Droplet#local()} (a whole node in this process) and {@code droplet node} (roles
 * against the host's media driver) use it. The {@code cli} package holds the commands, including the
 * observability readers ({@code droplet stat}, {@code droplet errors}).
 */
package io.droplet.node;
