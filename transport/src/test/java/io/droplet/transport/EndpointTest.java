package io.droplet.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class EndpointTest
{
    @Test
    void parsesAndPrints()
    {
        final Endpoint endpoint = Endpoint.parse("10.1.2.3:40123/1001");
        assertEquals(new Endpoint("10.1.2.3", 40123, 1001), endpoint);
        assertEquals("10.1.2.3:40123/1001", endpoint.toString());
        assertEquals(endpoint, Endpoint.parse(endpoint.toString()));
    }

    @Test
    void rejectsNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host:x/1"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host:70000/1"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host:1/0"));
    }

    @Test
    void sameHostIsIpcOtherHostIsUdp()
    {
        final ChannelResolver resolver = new ChannelResolver("10.0.0.1", 65536);
        final String local = resolver.outboundChannel(new Endpoint("10.0.0.1", 40001, 7));
        final String remote = resolver.outboundChannel(new Endpoint("10.0.0.2", 40001, 7));
        assertTrue(local.startsWith("aeron:ipc"), local);
        assertTrue(remote.startsWith("aeron:udp") && remote.contains("endpoint=10.0.0.2:40001"), remote);
        assertTrue(remote.contains("term-length=64k"), remote);
        assertEquals(List.of("aeron:ipc", "aeron:udp?endpoint=10.0.0.1:40001"),
            resolver.inboundChannels(new Endpoint("10.0.0.1", 40001, 7)));
        assertEquals(List.of("aeron:ipc"), resolver.inboundChannels(new Endpoint("10.0.0.1", 0, 7)));
    }
}
