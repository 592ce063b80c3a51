package io.droplet.executors;

import io.droplet.codecs.sbe.Role;
import io.droplet.codecs.sbe.BooleanType;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.HeartbeatEncoder;
import io.droplet.codecs.sbe.KvsGetResponseEncoder;
import io.droplet.codecs.sbe.KvsPutResponseEncoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.PeerDirectory;
import io.droplet.transport.SendStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * Encodes what the host's cache agent sends with reused encoders, in place (a claim on the executor's
 * or scheduler's publication, then commit): answers to executors' misses and
 * writes, errors, and its announcements (heartbeats carrying the summary of the keys it holds) to the
 * schedulers. Allocation-free in steady state (errors aside).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the cache agent.
 */
final class CachePublisher implements CacheAnswers
{

    private final long nodeId;
    private final PeerDirectory peers;
    private final ErrorReplier errorReplier;
    private final NanoClock clock;
    private final long sendTimeoutNs;
    private final long startedAt;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final KvsGetResponseEncoder getResponseEncoder = new KvsGetResponseEncoder();
    private final KvsPutResponseEncoder putResponseEncoder = new KvsPutResponseEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();

    /**
     * @param context      of the cache agent, concluded.
     * @param errorReplier of the cache agent.
     */
    CachePublisher(final CacheContext context, final ErrorReplier errorReplier)
    {
        this.nodeId = context.channels().nodeId();
        this.peers = context.channels().peers();
        this.errorReplier = errorReplier;
        this.clock = context.nanoClock();
        this.sendTimeoutNs = context.channels().transport().context().sendTimeoutNs();
        this.startedAt = context.startedAtNs();
    }

    /**
     * Answers a miss; waits for back-pressure up to the transport's send timeout.
     *
     * @param valueLength of the value in {@code value}, or negative if the key is absent.
     * @return a {@code SendStatus}.
     */
    public int answerGet(
        final long executor, final long correlationId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueLength)
    {
        final MessagePublisher publisher = peers.publisher(executor);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int valueBytes = Math.max(0, valueLength);
        final int status = publisher.claim(getResponseLength(keyLength, valueBytes), clock.nanoTime() + sendTimeoutNs);
        if (status != SendStatus.OK)
        {
            return status;
        }
        getResponseEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(valueLength >= 0 ? ErrorCode.NONE : ErrorCode.KEY_NOT_FOUND);
        getResponseEncoder.entriesCount(1).next()
            .found(valueLength >= 0 ? BooleanType.TRUE : BooleanType.FALSE)
            .putKey(key, keyOffset, keyLength)
            .putValue(value, 0, valueBytes);
        return publisher.commit();
    }

    /**
     * Acknowledges (or refuses) a write; offered once.
     *
     * @return a {@code SendStatus}.
     */
    public int answerPut(final long executor, final long correlationId, final ErrorCode code)
    {
        final MessagePublisher publisher = peers.publisher(executor);
        if (null == publisher)
        {
            return SendStatus.UNKNOWN_DESTINATION;
        }
        final int status = publisher.claim(MessageHeaderEncoder.ENCODED_LENGTH + KvsPutResponseEncoder.BLOCK_LENGTH, clock.nanoTime());
        if (status != SendStatus.OK)
        {
            return status;
        }
        putResponseEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
            .correlationId(correlationId)
            .code(code);
        return publisher.commit();
    }

    /**
     * A typed error for an executor (error path).
     *
     * @return a {@code SendStatus}.
     */
    public int error(final long executor, final long correlationId, final ErrorCode code, final String detail)
    {
        return errorReplier.reply(executor, correlationId, code, detail);
    }

    /**
     * A heartbeat to each scheduler, carrying the summary of the keys the host cache holds; offered once.
     *
     * @return heartbeats sent.
     */
    int announce(
        final long[] schedulers, final int count, final byte[] endpoint, final long timestamp, final int queueDepth,
        final int inFlight, final byte[] summary)
    {
        final int length = announceLength(endpoint.length, summary.length);
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            final MessagePublisher publisher = peers.publisher(schedulers[i]);
            if (null == publisher || publisher.claim(length, clock.nanoTime()) != SendStatus.OK)
            {
                continue;
            }
            heartbeatEncoder.wrapAndApplyHeader(publisher.buffer(), publisher.offset(), headerEncoder)
                .node(nodeId)
                .timestamp(timestamp)
                .roles(Role.CACHE.value())
                .utilisationPerMille(0)
                .queueDepth(queueDepth)
                .inFlight(inFlight)
                .startedAt(startedAt)
                .workers(0)
                .freeSlots(0)
                .functionsCount(0);
            heartbeatEncoder.putEndpoint(endpoint, 0, endpoint.length).putCachedKeySummary(summary, 0, summary.length);
            sent += publisher.commit() == SendStatus.OK ? 1 : 0;
        }
        return sent;
    }

    /**
     * @return the length of a {@code KvsGetResponse} with one entry.
     */
    static int getResponseLength(final int keyLength, final int valueLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + KvsGetResponseEncoder.BLOCK_LENGTH +
            KvsGetResponseEncoder.EntriesEncoder.sbeHeaderSize() + KvsGetResponseEncoder.EntriesEncoder.sbeBlockLength() +
            KvsGetResponseEncoder.EntriesEncoder.keyHeaderLength() + keyLength +
            KvsGetResponseEncoder.EntriesEncoder.valueHeaderLength() + valueLength;
    }

    /**
     * @return the length of the cache agent's {@code Heartbeat}: no functions, an endpoint and a key summary.
     */
    static int announceLength(final int endpointLength, final int summaryLength)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + HeartbeatEncoder.BLOCK_LENGTH + HeartbeatEncoder.FunctionsEncoder.sbeHeaderSize() +
            HeartbeatEncoder.endpointHeaderLength() + endpointLength + HeartbeatEncoder.cachedKeySummaryHeaderLength() + summaryLength;
    }
}
