package io.droplet.transport;

import io.aeron.ExclusivePublication;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.WireSchema;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.PingEncoder;
import io.droplet.codecs.sbe.PongDecoder;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.echo.EchoResponder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed frames written straight onto a responder's stream are rejected and counted by reason;
 * those whose sender can be identified are answered with a typed error; valid frames sent after them
 * are still answered. Messages at the configured limit pass (fragmented); one byte more is refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedFrameTest
{
    private static final int MAX_MESSAGE = 4096;
    private static final long RESPONDER = 1;
    private static final long CLIENT = 2;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    private Transport transport;
    private NodeChannels responderChannels;
    private NodeChannels clientChannels;
    private EchoResponder responder;
    private ExclusivePublication raw;
    private final Long2LongHashMap pongLengthByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap errorByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2 * MAX_MESSAGE]);

    @BeforeEach
    void launch()
    {
        transport = Transport.launch(new TransportContext()
            .aeronDirectoryName(watcher.aeronDirectory("malformed"))
            .embeddedDriver(true)
            .threadingProfile(ThreadingProfile.INVOKER)
            .maxMessageLength(MAX_MESSAGE)
            .sendTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        final Endpoint responderEndpoint = new Endpoint("127.0.0.1", 0, 2001);
        final Endpoint clientEndpoint = new Endpoint("127.0.0.1", 0, 2002);
        responderChannels = new NodeChannels(transport, RESPONDER, responderEndpoint, "responder");
        responderChannels.peers().register(CLIENT, clientEndpoint);
        clientChannels = new NodeChannels(transport, CLIENT, clientEndpoint, "client");
        clientChannels.peers().register(RESPONDER, responderEndpoint);
        responder = new EchoResponder(responderChannels);
        clientChannels.open(new FrameHandler()
        {
            private final MessageHeaderDecoder header = new MessageHeaderDecoder();
            private final PongDecoder pong = new PongDecoder();
            private final ErrorDecoder error = new ErrorDecoder();

            public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
            {
                if (templateId == PongDecoder.TEMPLATE_ID)
                {
                    pong.wrapAndApplyHeader(buffer, offset, header);
                    pongLengthByCorrelation.put(pong.correlationId(), length);
                }
                else if (templateId == ErrorDecoder.TEMPLATE_ID)
                {
                    error.wrapAndApplyHeader(buffer, offset, header);
                    errorByCorrelation.put(error.correlationId(), error.codeRaw());
                }
            }
        });
        // A raw publication with a larger term than the responder allows, to deliver oversize frames too.
        raw = transport.aeron().addExclusivePublication("aeron:ipc?term-length=1m", responderEndpoint.streamId());
        Await.until(this::dutyCycle, raw::isConnected, Duration.ofSeconds(10), () -> "raw publication connected");
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(raw, clientChannels, responderChannels, transport);
    }

    private void dutyCycle()
    {
        transport.invoke();
        responder.doWork();
        clientChannels.inbound().poll(64);
    }

    private int ping(final long correlationId, final int payloadLength)
    {
        final PingEncoder encoder = new PingEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
            .correlationId(correlationId).replyTo(CLIENT).sentTime(0);
        encoder.putPayload(new byte[payloadLength], 0, payloadLength);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private void sendRaw(final int length)
    {
        Await.until(this::dutyCycle, () -> raw.offer(frame, 0, length) > 0, Duration.ofSeconds(10), () -> "raw offer");
    }

    @Test
    void rejectsCountsAnswersAndKeepsServing()
    {
        final int pingLength = ping(10, 16);

        frame.putShort(4, (short)(WireSchema.SCHEMA_ID + 1), ByteOrder.LITTLE_ENDIAN);
        sendRaw(pingLength);                                              // wrong schema: cannot answer

        ping(11, 16);
        frame.putShort(2, (short)999, ByteOrder.LITTLE_ENDIAN);
        sendRaw(pingLength);                                              // unknown template: cannot answer

        sendRaw(ping(12, 100) - 40);                                      // truncated in the payload
        final int lengthField = MessageHeaderEncoder.ENCODED_LENGTH + PingEncoder.BLOCK_LENGTH;
        ping(13, 16);
        frame.putInt(lengthField, 3000, ByteOrder.LITTLE_ENDIAN);
        sendRaw(pingLength);                                              // var-data length past the end
        sendRaw(ping(14, MAX_MESSAGE));                                   // over the configured maximum
        sendRaw(0);                                                       // empty
        sendRaw(5);                                                       // shorter than a header
        ping(15, 16);
        frame.putShort(0, (short)(PingEncoder.BLOCK_LENGTH - 4), ByteOrder.LITTLE_ENDIAN);
        sendRaw(pingLength);                                              // short block length
        sendRaw(ping(16, 16));                                            // valid, after all of the above

        Await.until(this::dutyCycle, () -> pongLengthByCorrelation.containsKey(16) && errorByCorrelation.size() >= 4,
            Duration.ofSeconds(10), () -> "pong " + pongLengthByCorrelation + " errors " + errorByCorrelation);

        final TransportCounters counters = responderChannels.counters();
        assertEquals(8, counters.framesRejected.get());
        assertEquals(1, counters.rejectedCount(FrameRejection.WRONG_SCHEMA));
        assertEquals(1, counters.rejectedCount(FrameRejection.UNKNOWN_TEMPLATE));
        assertEquals(2, counters.rejectedCount(FrameRejection.LENGTH_PAST_END));
        assertEquals(1, counters.rejectedCount(FrameRejection.FRAME_TOO_LARGE));
        assertEquals(2, counters.rejectedCount(FrameRejection.TRUNCATED_HEADER));
        assertEquals(1, counters.rejectedCount(FrameRejection.WRONG_BLOCK_LENGTH));
        assertEquals(1, counters.framesReceived.get(), "only the valid ping was dispatched");

        assertEquals(ErrorCode.MALFORMED.value(), errorByCorrelation.get(12));
        assertEquals(ErrorCode.MALFORMED.value(), errorByCorrelation.get(13));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE.value(), errorByCorrelation.get(14));
        assertEquals(ErrorCode.MALFORMED.value(), errorByCorrelation.get(15));
        assertEquals(4, errorByCorrelation.size(), "frames without a readable sender are not answered");
        assertEquals(1, pongLengthByCorrelation.size());
    }

    @Test
    void messageAtTheLimitPassesFragmentedAndOneByteMoreIsRefused()
    {
        final MessagePublisher publisher = clientChannels.peers().publisher(RESPONDER);
        final int overhead = ping(0, 0);
        Await.until(this::dutyCycle, publisher::isConnected, Duration.ofSeconds(10), () -> "connected");

        final int atLimit = ping(21, MAX_MESSAGE - overhead);
        assertEquals(MAX_MESSAGE, atLimit);
        assertEquals(SendStatus.OK, publisher.offer(frame, 0, atLimit, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));

        assertEquals(SendStatus.PAYLOAD_TOO_LARGE, publisher.claim(MAX_MESSAGE + 1));
        assertEquals(1, clientChannels.counters().payloadTooLarge.get());

        // The same publisher is still usable: claim exactly the limit, encode in place, commit.
        assertEquals(SendStatus.OK, publisher.claim(MAX_MESSAGE, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
        new PingEncoder().wrapAndApplyHeader(publisher.buffer(), publisher.offset(), new MessageHeaderEncoder())
            .correlationId(22).replyTo(CLIENT).sentTime(0).putPayload(new byte[MAX_MESSAGE - overhead], 0, MAX_MESSAGE - overhead);
        assertEquals(SendStatus.OK, publisher.commit());

        Await.until(this::dutyCycle, () -> pongLengthByCorrelation.size() == 2, Duration.ofSeconds(10),
            () -> "pongs " + pongLengthByCorrelation);
        assertEquals(MAX_MESSAGE, pongLengthByCorrelation.get(21));
        assertEquals(MAX_MESSAGE, pongLengthByCorrelation.get(22));
        assertTrue(MAX_MESSAGE > publisher.maxPayloadLength(), "larger than one frame: fragmented and reassembled");
        assertEquals(0, responderChannels.counters().framesRejected.get());
    }
}
