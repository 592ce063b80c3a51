/**
 * The {@code droplet} command line (picocli): one subcommand per thing an operator or a newcomer
 * runs. {@link io.droplet.node.cli.DropletCommand} is the entry point of {@code node/target/droplet.jar}
 * and of the {@code ./droplet} launcher at the repository root. {@code droplet local} and {@code droplet node}
 * stop through {@code ProcessStop}: SIGTERM/SIGINT or a failed duty cycle wake the main thread, which closes the
 * node in order before the process exits (0 when stopped, 70 when a duty cycle failed, 71 when the close
 * outlived {@code droplet.shutdown.timeout}).
 */
package io.droplet.node.cli;
