package io.droplet.transport;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.test.Await;
import io.droplet.transport.echo.EchoListener;
import io.droplet.transport.echo.EchoPair;
import io.droplet.transport.echo.EchoRequester;
import io.droplet.transport.echo.EchoResponder;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An {@link EchoPair} that records every outcome for the tests to check.
 */
final class EchoFixture implements AutoCloseable, EchoListener
{
    static final long RESPONDER_ID = EchoPair.RESPONDER_ID;

    final EchoPair pair;
    final Transport requesterTransport;
    final NodeChannels responderChannels;
    final NodeChannels requesterChannels;
    final EchoResponder responder;
    final EchoRequester requester;
    final Long2LongHashMap pongPayloadByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    final List<long[]> errors = new ArrayList<>();
    final Long2LongHashMap errorTimeByCorrelation = new Long2LongHashMap(Long.MIN_VALUE);
    long pongs;
    long duplicates;

    EchoFixture(final boolean udp, final Function<String, String> dirs, final Consumer<TransportContext> contextSetup)
    {
        pair = new EchoPair(udp, dirs.apply("responder"), dirs.apply("requester"), contextSetup, this);
        requesterTransport = pair.requesterTransport();
        responderChannels = pair.responderChannels();
        requesterChannels = pair.requesterChannels();
        responder = pair.responder();
        requester = pair.requester();
    }

    int dutyCycle()
    {
        return pair.dutyCycle();
    }

    void awaitConnected()
    {
        Await.until(pair::dutyCycle, pair::isConnected, Duration.ofSeconds(20), () -> "requester and responder connected both ways");
    }

    public void onPong(final long correlationId, final long sentTimeNs, final DirectBuffer payload, final int offset, final int length)
    {
        pongs++;
        final long echoed = length >= 8 ? payload.getLong(offset) : -1;
        if (pongPayloadByCorrelation.put(correlationId, echoed) != Long.MIN_VALUE)
        {
            duplicates++;
        }
    }

    public void onError(final long correlationId, final ErrorCode code)
    {
        errors.add(new long[]{ correlationId, code.value() });
        errorTimeByCorrelation.put(correlationId, System.nanoTime());
    }

    public void close()
    {
        pair.close();
    }
}
