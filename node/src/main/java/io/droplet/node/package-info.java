/**
 * The per-host process and the {@code droplet} command line: it composes roles into a node from
 * configuration and offers the observability readers. The runtime work adds the roles
 * ({@code droplet local}, {@code droplet node}); for now the node offers the standalone driver, the
 * transport demo and the readers.
 */
package io.droplet.node;
