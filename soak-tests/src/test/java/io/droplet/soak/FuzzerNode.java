package io.droplet.soak;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.AckDecoder;
import io.droplet.codecs.sbe.BroadcastStartedDecoder;
import io.droplet.codecs.sbe.ConnectEncoder;
import io.droplet.codecs.sbe.ConnectedDecoder;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.FunctionListDecoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.test.Await;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw node in the test's JVM that talks to a node process's roles as any peer on the host could: it
 * introduces itself ({@code Connect}) to the roles that answer, sends them frames written byte by byte, and
 * records every answer it hears by correlation id (the template and the error code, if any). Its node id is the
 * caller id of the smallest frame of issue 15's item 6 ({@code 0x6acfc2}), so that frame, sent verbatim, is
 * answered here.
 * <p>
 * <b>Note:</b> sends from one thread; answers are recorded on its own polling thread and read from any.
 */
final class FuzzerNode implements AutoCloseable
{
    /** The caller id the smallest frame of item 6 names (replyTo and sessionId 0x6acfc2). */
    static final long ID = 0x6acfc2L;
    static final Endpoint ENDPOINT = Endpoint.parse("127.0.0.1:0/5900");

    /** The roles of the node process, by where they receive. */
    enum Target
    {
        SCHEDULER(5001), EXECUTOR(5010), STORAGE(5020), CACHE_STORAGE_CLIENT(5031);

        final int streamId;

        Target(final int streamId)
        {
            this.streamId = streamId;
        }
    }

    /** What the node answered to one correlation id: how often, and the code of each answer (NONE: a success). */
    static final class Answer
    {
        final AtomicLong count = new AtomicLong();
        final Map<ErrorCode, AtomicLong> codes = new ConcurrentHashMap<>();
        volatile int lastTemplateId;

        void add(final int templateId, final ErrorCode code)
        {
            lastTemplateId = templateId;
            codes.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
            count.incrementAndGet();
        }

        long count(final ErrorCode code)
        {
            final AtomicLong n = codes.get(code);
            return null == n ? 0 : n.get();
        }

        public String toString()
        {
            return count.get() + " answer(s) " + codes;
        }
    }

    private final Transport transport;
    private final NodeChannels channels;
    private final Map<Target, ExclusivePublication> publications = new EnumMap<>(Target.class);
    private final Map<Long, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicLong connectedAnswers = new AtomicLong();
    private final AtomicBoolean polling = new AtomicBoolean(true);
    private final Thread poller;
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

    /**
     * @param aeronDirectory of the host's driver.
     */
    FuzzerNode(final String aeronDirectory)
    {
        transport = Transport.launch(new TransportContext()
            .embeddedDriver(false)
            .aeronDirectoryName(aeronDirectory)
            .threadingProfile(ThreadingProfile.SHARED)
            .name("fuzzer"));
        channels = new NodeChannels(transport, ID, ENDPOINT, "fuzzer");
        final InboundAdapter inbound = channels.open(new Recorder());
        poller = new Thread(() ->
        {
            while (polling.get())
            {
                if (inbound.poll(256) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }, "fuzzer-inbound");
        poller.setDaemon(true);
        poller.start();
        for (final Target target : Target.values())
        {
            // A log larger than the nodes use, so a frame of exactly the message limit can be sent at all.
            publications.put(target, transport.aeron().addExclusivePublication("aeron:ipc?term-length=16m", target.streamId));
        }
        Await.until(() -> publications.values().stream().allMatch(Publication::isConnected), Duration.ofSeconds(30),
            () -> "fuzzer publications connected");
    }

    /**
     * Introduces this node to the roles that answer (scheduler, storage, executor) and waits for the
     * scheduler's and the storage node's {@code Connected}.
     */
    void introduce()
    {
        final long before = connectedAnswers.get();
        final ConnectEncoder connect = new ConnectEncoder();
        for (final Target target : List.of(Target.SCHEDULER, Target.STORAGE, Target.EXECUTOR))
        {
            connect.wrapAndApplyHeader(scratch, 0, new MessageHeaderEncoder())
                .correlationId(-target.streamId).clientNode(ID).timestamp(0).namespaceName("").identity("")
                .replyEndpoint(ENDPOINT.toString());
            send(target, scratch, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());
        }
        Await.until(() -> connectedAnswers.get() - before >= 2, Duration.ofSeconds(30),
            () -> "the scheduler and the storage node answered the fuzzer's Connect");
    }

    /**
     * Offers a frame, retrying back-pressure for up to 30 s.
     */
    void send(final Target target, final DirectBuffer buffer, final int length)
    {
        send(target, buffer, 0, length);
    }

    /**
     * Offers a frame at an offset, retrying back-pressure for up to 30 s.
     */
    void send(final Target target, final DirectBuffer buffer, final int offset, final int length)
    {
        final Publication publication = publications.get(target);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("cannot send a frame to " + target + ": " + result);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * @param correlationId of a request.
     * @return what was answered to it so far, or null if nothing.
     */
    Answer answer(final long correlationId)
    {
        return answers.get(correlationId);
    }

    /**
     * @param correlationId of a request.
     * @return how many answers it had so far.
     */
    long answers(final long correlationId)
    {
        final Answer answer = answers.get(correlationId);
        return null == answer ? 0 : answer.count.get();
    }

    /**
     * @param correlationIds of requests.
     * @return the error codes answered to them, counted (NONE for successes), and how many are unanswered.
     */
    Map<String, Long> codes(final List<Long> correlationIds)
    {
        final Map<String, Long> codes = new java.util.TreeMap<>();
        long unanswered = 0;
        for (final long correlationId : correlationIds)
        {
            final Answer answer = answers.get(correlationId);
            if (null == answer)
            {
                unanswered++;
                continue;
            }
            answer.codes.forEach((code, n) -> codes.merge(code.name(), n.get(), Long::sum));
        }
        if (unanswered > 0)
        {
            codes.put("unanswered", unanswered);
        }
        return codes;
    }

    /**
     * Waits until every one of the requests had at least one answer.
     */
    void awaitAnswers(final List<Long> correlationIds, final Duration timeout, final String what)
    {
        Await.until(() -> correlationIds.stream().allMatch(id -> answers(id) > 0), timeout, Duration.ofMillis(10),
            () -> what + ": answered " + correlationIds.stream().filter(id -> answers(id) > 0).count() + " of " +
            correlationIds.size() + ", codes " + codes(correlationIds));
    }

    /**
     * @return correlation ids of {@code [first, first + count)}.
     */
    static List<Long> range(final long first, final int count)
    {
        final List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            ids.add(first + i);
        }
        return ids;
    }

    public void close()
    {
        polling.set(false);
        try
        {
            poller.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietCloseAll(publications.values());
        CloseHelper.quietCloseAll(channels, transport);
    }

    /** Records each answer under its correlation id; a broken frame from the node fails the recording. */
    private final class Recorder implements FrameHandler
    {
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final ErrorDecoder error = new ErrorDecoder();
        private final AckDecoder ack = new AckDecoder();
        private final ResultDecoder result = new ResultDecoder();
        private final KvsGetResponseDecoder getResponse = new KvsGetResponseDecoder();
        private final KvsPutResponseDecoder putResponse = new KvsPutResponseDecoder();
        private final ConnectedDecoder connected = new ConnectedDecoder();
        private final FunctionListDecoder functionList = new FunctionListDecoder();
        private final BroadcastStartedDecoder broadcastStarted = new BroadcastStartedDecoder();

        public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
        {
            switch (templateId)
            {
                case ErrorDecoder.TEMPLATE_ID:
                    error.wrapAndApplyHeader(buffer, offset, header);
                    record(error.correlationId(), templateId, error.code());
                    break;
                case AckDecoder.TEMPLATE_ID:
                    record(ack.wrapAndApplyHeader(buffer, offset, header).correlationId(), templateId, ErrorCode.NONE);
                    break;
                case ResultDecoder.TEMPLATE_ID:
                    record(result.wrapAndApplyHeader(buffer, offset, header).correlationId(), templateId, ErrorCode.NONE);
                    break;
                case KvsGetResponseDecoder.TEMPLATE_ID:
                    getResponse.wrapAndApplyHeader(buffer, offset, header);
                    record(getResponse.correlationId(), templateId, getResponse.code());
                    break;
                case KvsPutResponseDecoder.TEMPLATE_ID:
                    putResponse.wrapAndApplyHeader(buffer, offset, header);
                    record(putResponse.correlationId(), templateId, putResponse.code());
                    break;
                case ConnectedDecoder.TEMPLATE_ID:
                    connectedAnswers.incrementAndGet();
                    record(connected.wrapAndApplyHeader(buffer, offset, header).correlationId(), templateId, ErrorCode.NONE);
                    break;
                case FunctionListDecoder.TEMPLATE_ID:
                    record(functionList.wrapAndApplyHeader(buffer, offset, header).correlationId(), templateId, ErrorCode.NONE);
                    break;
                case BroadcastStartedDecoder.TEMPLATE_ID:
                    record(broadcastStarted.wrapAndApplyHeader(buffer, offset, header).correlationId(), templateId,
                        ErrorCode.NONE);
                    break;
                default:
                    break;
            }
        }

        public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
        {
            // Recorded where a test looks: a node must never send a broken frame, whatever it was sent.
            record(Long.MIN_VALUE, -1, ErrorCode.INTERNAL);
        }

        private void record(final long correlationId, final int templateId, final ErrorCode code)
        {
            answers.computeIfAbsent(correlationId, id -> new Answer()).add(templateId, code);
        }
    }
}
