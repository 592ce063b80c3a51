package io.droplet.codecs;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Every message in the schema round-trips through its generated encoder and decoder, and every
 * frame the encoders produce passes the validator.
 */
@Timeout(120)
class MessageRoundTripTest
{
    private static final int MAX_VAR_LENGTH = 300;
    private static final FrameLimits LIMITS = new FrameLimits(1 << 20, 8, MAX_VAR_LENGTH);
    private static final List<SchemaMessages.Spec> SPECS = SchemaMessages.all();

    @Test
    void schemaHoldsEveryMessageTheDesignNames()
    {
        final Set<String> names = SPECS.stream().map(SchemaMessages.Spec::name).collect(Collectors.toCollection(TreeSet::new));
        for (final String expected : List.of(
            "Connect", "Challenge", "Authenticate", "Connected",
            "RegisterFunction", "DeleteFunction", "ListFunctions", "FunctionList", "RegisterDag", "DeleteDag",
            "Ack", "Error", "CallFunction", "CallDag", "Trigger", "Result", "Cancel",
            "KvsGet", "KvsMultiGet", "KvsGetResponse", "KvsPut", "KvsMerge", "KvsPutResponse",
            "Subscribe", "Unsubscribe", "KeyUpdate", "Gossip", "Heartbeat", "Ping", "Pong"))
        {
            assertTrue(names.contains(expected), () -> "schema lacks " + expected + ": " + names);
        }
    }

    @Test
    void everyMessageRoundTrips()
    {
        final FrameValidator validator = new FrameValidator(LIMITS);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1 << 16]);
        final int[] seenPerTemplate = new int[SPECS.size()];

        qt().withExamples(20_000).forAll(integers().between(0, SPECS.size() - 1), longs().all())
            .checkAssert((index, seed) ->
            {
                final SchemaMessages.Spec spec = SPECS.get(index);
                final Map<String, Object> message = SchemaMessages.random(spec, new Random(seed), 4, MAX_VAR_LENGTH);
                final int offset = (int)Math.floorMod(seed, 64L);
                final int length = SchemaMessages.encode(spec, message, buffer, offset);

                assertEquals(FrameRejection.NONE, validator.validate(buffer, offset, length), spec.name());
                final Map<String, Object> decoded = SchemaMessages.decode(spec, buffer, offset);
                assertTrue(SchemaMessages.equal(message, decoded), () -> spec.name() + " differs: " + message + " vs " + decoded);
                seenPerTemplate[index]++;
            });

        for (int i = 0; i < SPECS.size(); i++)
        {
            assertTrue(seenPerTemplate[i] > 0, "never generated " + SPECS.get(i).name());
        }
    }
}
