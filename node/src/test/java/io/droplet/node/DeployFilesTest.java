package io.droplet.node;

import io.droplet.node.cli.NodeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example deployment's files stay valid: each host's parses as {@code droplet node} options, the node ids
 * they give (with those derived from them) are unique across the hosts, and the node's unit restarts a node
 * that failed.
 */
class DeployFilesTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theNodeUnitRestartsAFailedNodeAndLetsItCloseInOrder() throws IOException
    {
        final List<String> unit = Files.readAllLines(Paths.get("..", "deploy", "droplet-node.service"));
        assertTrue(unit.contains("Restart=on-failure"), "a node that exits 70 (failed duty cycle) is restarted");
        assertTrue(unit.contains("TimeoutStopSec=30"), "longer than droplet.shutdown.timeout before SIGKILL");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theThreeHostFilesParseAndTheirNodeIdsAreUnique() throws IOException
    {
        final Path deploy = Paths.get("..", "deploy");
        final List<Path> files;
        try (Stream<Path> list = Files.list(deploy))
        {
            files = list.filter(path -> path.getFileName().toString().endsWith(".args")).sorted().collect(Collectors.toList());
        }
        assertEquals(3, files.size(), "three hosts");
        final Set<Long> ids = new HashSet<>();
        for (final Path file : files)
        {
            final CommandLine.ParseResult parsed = new CommandLine(new NodeCommand()).parseArgs("@" + file.toAbsolutePath());
            final long scheduler = parsed.matchedOptionValue("--scheduler-id", -1L);
            final long executor = parsed.matchedOptionValue("--executor-id", -1L);
            final long storage = parsed.matchedOptionValue("--storage-id", -1L);
            final long cache = parsed.matchedOptionValue("--cache-id", -1L);
            for (final long id : new long[]{ scheduler, scheduler + 1000, executor, storage, cache, cache + 1 })
            {
                assertTrue(id > 0 && ids.add(id), file + ": node id " + id + " set and unique");
            }
        }
    }
}
