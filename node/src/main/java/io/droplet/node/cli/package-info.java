/**
 * The {@code droplet} command line (picocli): one subcommand per thing an operator or a newcomer
 * runs. {@link io.droplet.node.cli.DropletCommand} is the entry point of {@code node/target/droplet.jar}
 * and of the {@code ./droplet} launcher at the repository root.
 */
package io.droplet.node.cli;
