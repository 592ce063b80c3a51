package io.droplet.codecs;

import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.Role;
import io.droplet.codecs.sbe.StageSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Wire constants declared in the schema keep the values nodes of earlier builds put on the wire, and take
 * no room in a message's block.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WireConstantsTest
{
    @Test
    void constantsKeepTheirWireValues()
    {
        assertEquals(65534, StageSelector.ALL_SOURCES.value());
        assertEquals(StageSelector.ALL_SOURCES, new CallDagDecoder().allSources());
        assertEquals(1, Role.STORAGE.value());
        assertEquals(2, Role.CACHE.value());
        assertEquals(4, Role.EXECUTOR.value());
        assertEquals(8, Role.SCHEDULER.value());
        assertEquals(16, Role.CLIENT.value());
    }

    @Test
    void constantFieldsAreNotOnTheWire()
    {
        assertEquals(41, CallDagEncoder.BLOCK_LENGTH);
        assertEquals(43, HeartbeatEncoder.BLOCK_LENGTH);
    }
}
