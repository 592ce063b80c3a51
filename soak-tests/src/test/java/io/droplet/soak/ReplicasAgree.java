package io.droplet.soak;

import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.client.StoreClient;
import io.droplet.store.client.StoreClientListener;
import io.droplet.store.ring.HashRing;
import io.droplet.test.Await;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads keys from every replica of a multi-host deployment (the storage nodes of {@link NetworkNamespaces}' hosts)
 * until they agree: the check after a partition heals.
 */
final class ReplicasAgree
{
    private ReplicasAgree()
    {
    }

    /**
     * Reads every key from each storage node (ids 21, 22, ...: every one a replica of every key) until all agree,
     * checking no replica ever shows less than what was acknowledged before (a value going backwards). On failure it says, per node, how
     * its reads ended, and which keys disagreed with what values, and prints every host's counters.
     *
     * @return the agreed values by key.
     */
    static Map<String, long[]> converge(final String[] dirs, final Map<Integer, Long> acknowledged, final File credentials,
        final int hosts, final int keys, final int seconds) throws Exception
    {
        final Map<Long, byte[]> answers = new HashMap<>();
        final Map<Long, ErrorCode> errors = new HashMap<>();
        final StoreClientListener listener = new StoreClientListener()
        {
            public void onGetEntry(final long correlationId, final int index, final boolean found, final DirectBuffer buffer,
                final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
            {
                final byte[] value = new byte[found ? valueLength : 0];
                buffer.getBytes(valueOffset, value);
                answers.put(correlationId, value);
            }

            public void onError(final long correlationId, final ErrorCode code)
            {
                errors.put(correlationId, code);
            }
        };
        final Long2ObjectHashMap<Endpoint> storage = new Long2ObjectHashMap<>();
        for (int i = 1; i <= hosts; i++)
        {
            storage.put(20 + i, Endpoint.parse(NetworkNamespaces.address(i) + ":40020/5020"));
        }
        final long start = System.nanoTime();
        try (Transport transport = Transport.launch(new TransportContext().embeddedDriver(false).aeronDirectoryName(dirs[1])
                .threadingProfile(ThreadingProfile.SHARED).localHost(NetworkNamespaces.address(1)).name("reader")
                .credentials(io.droplet.transport.security.CredentialsFile.read(credentials.toPath())));
            NodeChannels channels = new NodeChannels(transport, 5000, Endpoint.parse(NetworkNamespaces.address(1) + ":40500/5500"),
                "reader"))
        {
            final StoreClient reader = new StoreClient(channels, storage, hosts, HashRing.DEFAULT_VIRTUAL_NODES, listener);
            storage.forEach((node, endpoint) -> reader.connect(node, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
            Await.until(reader::doWork, () -> storage.keySet().stream().allMatch(reader::isConnectedTo),
                Duration.ofSeconds(30), () -> "the reader connected to every storage node");
            final double connectedAfter = (System.nanoTime() - start) / 1e9;

            final Map<String, long[]> agreed = new HashMap<>();
            final Map<String, long[]> disagreeing = new HashMap<>();
            final int[][] outcomes = new int[hosts][3]; // per node: values read, errors, no answer
            final Map<ErrorCode, Integer> errorCodes = new EnumMap<>(ErrorCode.class);
            final long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            int passes = 0;
            while (agreed.size() < keys)
            {
                passes++;
                for (int k = 0; k < keys; k++)
                {
                    // As the client named it on the wire: in its namespace.
                    final String key = "mh/k-" + k;
                    if (System.nanoTime() - deadline > 0)
                    {
                        System.out.println("MULTI-HOST counters when the keys did not converge:");
                        for (int i = 1; i <= hosts; i++)
                        {
                            System.out.println("host " + i + ":");
                            Deployment.printCounters(dirs[i]);
                        }
                        final StringBuilder sample = new StringBuilder();
                        disagreeing.entrySet().stream().limit(8).forEach(e ->
                            sample.append(e.getKey()).append('=').append(java.util.Arrays.toString(e.getValue())).append(' '));
                        throw new AssertionError("keys did not converge within " + seconds + " s: " + agreed.size() +
                            " of " + keys + " after " + passes + " passes (reader connected after " + connectedAfter +
                            " s); reads per node from 21 up [values, errors, no answer]: " +
                            java.util.Arrays.deepToString(outcomes) + ", errors " + errorCodes + "; disagreeing (0 = absent " +
                            "or unanswered): " + sample);
                    }
                    final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
                    final long[] values = new long[hosts];
                    boolean complete = true;
                    for (int i = 1; i <= hosts; i++)
                    {
                        final long correlationId = reader.getFrom(20 + i, new UnsafeBuffer(keyBytes), 0, keyBytes.length,
                            System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
                        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                        while (correlationId > 0 && !answers.containsKey(correlationId) && !errors.containsKey(correlationId) &&
                            System.nanoTime() - until < 0)
                        {
                            reader.doWork();
                        }
                        final byte[] value = answers.remove(correlationId);
                        final ErrorCode error = errors.remove(correlationId);
                        if (null != error)
                        {
                            outcomes[i - 1][1]++;
                            errorCodes.merge(error, 1, Integer::sum);
                        }
                        if (null == value || value.length == 0)
                        {
                            if (null == value && null == error)
                            {
                                outcomes[i - 1][2]++;
                            }
                            complete = false;
                            continue;
                        }
                        outcomes[i - 1][0]++;
                        values[i - 1] = ((MaxLattice)LatticeCodec.fromBytes(value)).value();
                        assertTrue(values[i - 1] >= 1, "no value goes backwards: " + key + " on node " + (20 + i));
                        if (acknowledged.containsKey(k) && values[i - 1] < acknowledged.get(k) && agreed.containsKey(key))
                        {
                            throw new AssertionError(key + " went backwards on node " + (20 + i));
                        }
                    }
                    final long expected = acknowledged.getOrDefault(k, 1L);
                    if (complete && java.util.Arrays.stream(values).allMatch(v -> v == values[0]) && values[0] >= expected)
                    {
                        agreed.put(key, values);
                        disagreeing.remove(key);
                    }
                    else if (!agreed.containsKey(key))
                    {
                        disagreeing.put(key, values);
                    }
                }
            }
            System.out.printf("MULTI-HOST converged in %.1f s (%d passes, reader connected after %.1f s)%n",
                (System.nanoTime() - start) / 1e9, passes, connectedAfter);
            return agreed;
        }
    }
}
