package io.droplet.executors;

import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.CancelInvocationDecoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.ErrorDecoder;
import io.droplet.codecs.sbe.FunctionMessageDecoder;
import io.droplet.codecs.sbe.KvsGetResponseDecoder;
import io.droplet.codecs.sbe.KvsPutResponseDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.codecs.sbe.TriggerDecoder;
import io.droplet.transport.ErrorReplier;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Decodes what reaches an executor, each template exactly once with reused decoders, and calls the
 * {@link ExecutorListener} method for it; variable-length data is passed as views, never copied.
 * Rejected frames are answered with a typed error when their sender can be read.
 * <p>
 * <b>Note:</b> not thread-safe; polled by the executor agent's thread.
 */
final class ExecutorAdapter implements FrameHandler
{
    static final String TOO_MANY_STAGES = "more than " + StageSchedule.MAX_STAGES + " stages";
    static final String TOO_MANY_EDGES = "more than " + StageSchedule.MAX_EDGES + " edges";
    static final String EDGE_OUT_OF_RANGE = "edge to a stage that is not scheduled";
    static final String DUPLICATE_EDGE = "duplicate edge or an edge from a stage to itself";

    private final ExecutorListener listener;
    private final ErrorReplier errorReplier;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TriggerDecoder triggerDecoder = new TriggerDecoder();
    private final KvsGetResponseDecoder cacheAnswerDecoder = new KvsGetResponseDecoder();
    private final ErrorDecoder errorDecoder = new ErrorDecoder();
    private final KvsPutResponseDecoder putResponseDecoder = new KvsPutResponseDecoder();
    private final FunctionMessageDecoder functionMessageDecoder = new FunctionMessageDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final CancelInvocationDecoder cancelDecoder = new CancelInvocationDecoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final RegisterFunctionDecoder registerFunctionDecoder = new RegisterFunctionDecoder();
    private final DeleteFunctionDecoder deleteFunctionDecoder = new DeleteFunctionDecoder();
    private final StageSchedule schedule = new StageSchedule();

    /**
     * @param listener     to call.
     * @param errorReplier answers rejected frames; may be null (tests).
     */
    ExecutorAdapter(final ExecutorListener listener, final ErrorReplier errorReplier)
    {
        this.listener = listener;
        this.errorReplier = errorReplier;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case TriggerDecoder.TEMPLATE_ID:
                onTrigger(buffer, offset);
                break;

            case KvsGetResponseDecoder.TEMPLATE_ID:
                cacheAnswerDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onCacheAnswer(cacheAnswerDecoder.correlationId(), cacheAnswerDecoder.code());
                break;

            case ErrorDecoder.TEMPLATE_ID:
                errorDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onCacheError(errorDecoder.correlationId(), errorDecoder.code());
                break;

            case KvsPutResponseDecoder.TEMPLATE_ID:
                putResponseDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onPutResponse(putResponseDecoder.correlationId(), putResponseDecoder.code());
                break;

            case FunctionMessageDecoder.TEMPLATE_ID:
            {
                final FunctionMessageDecoder decoder = functionMessageDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long from = decoder.from();
                final long to = decoder.to();
                final long invocationId = decoder.invocationId();
                final int payloadLength = decoder.payloadLength();
                listener.onFunctionMessage(
                    from, to, invocationId, buffer, decoder.limit() + FunctionMessageDecoder.payloadHeaderLength(), payloadLength);
                break;
            }

            case ResultDecoder.TEMPLATE_ID:
            {
                final ResultDecoder result = resultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long correlationId = result.correlationId();
                final int valueLength = result.valueLength();
                listener.onCallResult(correlationId, buffer, result.limit() + ResultDecoder.valueHeaderLength(), valueLength);
                break;
            }

            case CancelInvocationDecoder.TEMPLATE_ID:
                cancelDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onCancelInvocation(cancelDecoder.invocationId(), cancelDecoder.correlationId());
                break;

            case ConnectDecoder.TEMPLATE_ID:
            {
                connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                final long node = connectDecoder.clientNode();
                connectDecoder.skipNamespaceName();
                final String identity = connectDecoder.identity();
                listener.onIntroduction(node, identity, connectDecoder.replyEndpoint());
                break;
            }

            case RegisterFunctionDecoder.TEMPLATE_ID:
                onRegisterFunction(buffer, offset);
                break;

            case DeleteFunctionDecoder.TEMPLATE_ID:
                deleteFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onDeleteFunction(deleteFunctionDecoder.name());
                break;

            default:
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != errorReplier)
        {
            errorReplier.replyToRejected(rejection, buffer, offset, length);
        }
    }

    private void onTrigger(final DirectBuffer buffer, final int offset)
    {
        final TriggerDecoder decoder = triggerDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long invocationId = decoder.invocationId();
        final long correlationId = decoder.correlationId();
        final long replyTo = decoder.replyTo();
        final long deadline = decoder.deadline();
        final int target = decoder.targetStage();
        final int from = decoder.fromStage();
        final int attempt = decoder.attempt();

        schedule.reset(buffer);
        for (final TriggerDecoder.ScheduleDecoder stage : decoder.schedule())
        {
            final int functionOffset = decoder.limit() + TriggerDecoder.ScheduleDecoder.functionHeaderLength();
            if (!schedule.addStage(stage.executor(), functionOffset, stage.functionLength()))
            {
                listener.onMalformedTrigger(replyTo, correlationId, TOO_MANY_STAGES);
                return;
            }
            stage.skipFunction();
        }
        final int stages = schedule.stages();
        for (final TriggerDecoder.EdgesDecoder edge : decoder.edges())
        {
            final int edgeFrom = edge.fromStage();
            final int edgeTo = edge.toStage();
            if (edgeFrom >= stages || edgeTo >= stages)
            {
                listener.onMalformedTrigger(replyTo, correlationId, EDGE_OUT_OF_RANGE);
                return;
            }
            // Registration refuses these; a trigger not made by a scheduler must not make a fan-in expect more
            // parents than it has slots for.
            if (edgeFrom == edgeTo || schedule.hasEdge(edgeFrom, edgeTo))
            {
                listener.onMalformedTrigger(replyTo, correlationId, DUPLICATE_EDGE);
                return;
            }
            if (!schedule.addEdge(edgeFrom, edgeTo))
            {
                listener.onMalformedTrigger(replyTo, correlationId, TOO_MANY_EDGES);
                return;
            }
        }
        final int argsLength = decoder.argsLength();
        final int argsOffset = decoder.limit() + TriggerDecoder.argsHeaderLength();
        listener.onTrigger(invocationId, correlationId, replyTo, deadline, target, from, attempt, schedule, buffer, argsOffset, argsLength);
    }

    private void onRegisterFunction(final DirectBuffer buffer, final int offset)
    {
        final RegisterFunctionDecoder decoder = registerFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = decoder.correlationId();
        final long sessionId = decoder.sessionId();
        final long version = decoder.version();
        final io.droplet.codecs.sbe.FunctionKind kind = decoder.kind();
        final String name = decoder.name();
        final String entryPoint = decoder.entryPoint();
        final int codeLength = decoder.codeLength();
        final int codeOffset = decoder.limit() + RegisterFunctionDecoder.codeHeaderLength();
        listener.onRegisterFunction(name, sessionId, correlationId, version, kind, entryPoint, buffer, codeOffset, codeLength);
    }
}
