package io.droplet.scheduler;

import io.droplet.codecs.sbe.StageSelector;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.CancelDecoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.codecs.sbe.DeleteDagDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.codecs.sbe.ListFunctionsDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.RegisterDagDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.InboundAdapter;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the client calls and registry protocol once per frame, with reused decoders, and calls a
 * typed {@link ClientRequestListener}; frames of the membership protocol go to the
 * {@link MembershipAdapter} (both arrive on the scheduler's one inbound stream). It also reads the
 * registration frames the registry keeps ({@link RegistrationReader}), the same templates.
 * <p>
 * <b>Note:</b> not thread-safe; used on the scheduler's thread.
 */
public final class ClientRequestAdapter implements FrameHandler, RegistrationReader
{
    /** A {@code CallDag} source-args entry with this stage gives its args to every source stage. */
    public static final int ALL_SOURCES = StageSelector.ALL_SOURCES.value();

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CallDagDecoder callDagDecoder = new CallDagDecoder();
    private final CallFunctionDecoder callFunctionDecoder = new CallFunctionDecoder();
    private final CancelDecoder cancelDecoder = new CancelDecoder();
    private final RegisterFunctionDecoder registerFunctionDecoder = new RegisterFunctionDecoder();
    private final DeleteFunctionDecoder deleteFunctionDecoder = new DeleteFunctionDecoder();
    private final ListFunctionsDecoder listFunctionsDecoder = new ListFunctionsDecoder();
    private final RegisterDagDecoder registerDagDecoder = new RegisterDagDecoder();
    private final DeleteDagDecoder deleteDagDecoder = new DeleteDagDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final SourceArgs args = new SourceArgs();
    private long[] times = new long[16];
    private final ClientRequestListener listener;
    private final MembershipAdapter membership;
    private InboundAdapter inbound;
    private String dagName;
    private String[] dagFunctions;
    private int[] dagEdgeFrom;
    private int[] dagEdgeTo;

    /**
     * @param listener   told of each client request.
     * @param membership handles the other protocol on the same stream; null for none.
     */
    public ClientRequestAdapter(final ClientRequestListener listener, final MembershipAdapter membership)
    {
        this.listener = listener;
        this.membership = membership;
    }

    /**
     * An adapter used only to read kept registration frames (no listener, no membership).
     *
     * @return the reader.
     */
    public static RegistrationReader registrationReader()
    {
        return new ClientRequestAdapter(null, null);
    }

    /**
     * @param inbound the adapter polling this handler, asked who sent the frame being handled.
     */
    public void inbound(final InboundAdapter inbound)
    {
        this.inbound = inbound;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case CallDagDecoder.TEMPLATE_ID:
                onCallDag(buffer, offset);
                break;
            case CallFunctionDecoder.TEMPLATE_ID:
                onCallFunction(buffer, offset);
                break;
            case CancelDecoder.TEMPLATE_ID:
                cancelDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onCancel(cancelDecoder.correlationId(), cancelDecoder.sessionId());
                break;
            case RegisterFunctionDecoder.TEMPLATE_ID:
                onRegisterFunction(buffer, offset, length);
                break;
            case DeleteFunctionDecoder.TEMPLATE_ID:
            {
                final DeleteFunctionDecoder delete = deleteFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onDeleteFunction(delete.correlationId(), delete.sessionId(),
                    buffer, delete.limit() + DeleteFunctionDecoder.nameHeaderLength(), delete.nameLength());
                break;
            }
            case ListFunctionsDecoder.TEMPLATE_ID:
                listFunctionsDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onListFunctions(listFunctionsDecoder.correlationId(), listFunctionsDecoder.sessionId(),
                    null == inbound ? Principal.NODE : inbound.principal());
                break;
            case RegisterDagDecoder.TEMPLATE_ID:
                onRegisterDag(buffer, offset, length);
                break;
            case DeleteDagDecoder.TEMPLATE_ID:
            {
                final DeleteDagDecoder delete = deleteDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onDeleteDag(delete.correlationId(), delete.sessionId(),
                    buffer, delete.limit() + DeleteDagDecoder.nameHeaderLength(), delete.nameLength());
                break;
            }
            case ConnectDecoder.TEMPLATE_ID:
                onConnect(buffer, offset);
                break;
            default:
                if (null != membership)
                {
                    membership.onFrame(templateId, buffer, offset, length);
                }
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final FrameRejection rejection, final DirectBuffer buffer, final int offset, final int length)
    {
        listener.onRejected(rejection, buffer, offset, length);
    }

    private void onCallDag(final DirectBuffer buffer, final int offset)
    {
        final CallDagDecoder call = callDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = call.correlationId();
        final long replyTo = call.replyTo();
        final long deadline = call.deadline();
        final io.droplet.codecs.sbe.CallMode mode = call.mode();
        args.wrap(buffer);
        for (final CallDagDecoder.SourceArgsDecoder source : call.sourceArgs())
        {
            final int stage = source.stage();
            final int argsOffset = call.limit() + CallDagDecoder.SourceArgsDecoder.argsHeaderLength();
            final int argsLength = source.argsLength();
            if (stage == ALL_SOURCES)
            {
                args.allStages(argsOffset, argsLength);
            }
            else
            {
                args.stage(stage, argsOffset, argsLength);
            }
            source.skipArgs();
        }
        final int nameLength = call.dagLength();
        final int nameOffset = call.limit() + CallDagDecoder.dagHeaderLength();
        listener.onCallDag(correlationId, replyTo, deadline, mode, buffer, nameOffset, nameLength, args);
    }

    private void onCallFunction(final DirectBuffer buffer, final int offset)
    {
        final CallFunctionDecoder call = callFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = call.correlationId();
        final long replyTo = call.replyTo();
        final long deadline = call.deadline();
        final io.droplet.codecs.sbe.CallMode mode = call.mode();
        final long periodNs = call.periodNs();
        final CallFunctionDecoder.TimesDecoder timesGroup = call.times();
        final int timesCount = timesGroup.count();
        if (timesCount > times.length)
        {
            times = new long[timesCount];
        }
        int t = 0;
        for (final CallFunctionDecoder.TimesDecoder time : timesGroup)
        {
            times[t++] = time.at();
        }
        Arrays.sort(times, 0, timesCount);
        final int nameLength = call.functionLength();
        final int nameOffset = call.limit() + CallFunctionDecoder.functionHeaderLength();
        call.skipFunction();
        args.wrap(buffer).stage(0, call.limit() + CallFunctionDecoder.argsHeaderLength(), call.argsLength());
        listener.onCallFunction(correlationId, replyTo, deadline, mode, periodNs, times, timesCount,
            buffer, nameOffset, nameLength, args);
    }

    private void onRegisterFunction(final DirectBuffer buffer, final int offset, final int length)
    {
        final RegisterFunctionDecoder register = registerFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = register.correlationId();
        final long sessionId = register.sessionId();
        final FunctionKind kind = register.kind();
        final int nameLength = register.nameLength();
        final int nameOffset = register.limit() + RegisterFunctionDecoder.nameHeaderLength();
        listener.onRegisterFunction(correlationId, sessionId, kind, buffer, nameOffset, nameLength, buffer, offset, length);
    }

    private void onRegisterDag(final DirectBuffer buffer, final int offset, final int length)
    {
        readDag(buffer, offset);
        listener.onRegisterDag(registerDagDecoder.correlationId(), registerDagDecoder.sessionId(),
            dagName, dagFunctions, dagEdgeFrom, dagEdgeTo, buffer, offset, length);
    }

    /**
     * Reads a {@code RegisterDag} frame's shape into the {@code dag*} fields (control path: allocates).
     */
    private void readDag(final DirectBuffer buffer, final int offset)
    {
        final RegisterDagDecoder register = registerDagDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final List<String> names = new ArrayList<>();
        for (final RegisterDagDecoder.FunctionsDecoder function : register.functions())
        {
            names.add(function.function());
        }
        final RegisterDagDecoder.ConnectionsDecoder connections = register.connections();
        dagEdgeFrom = new int[connections.count()];
        dagEdgeTo = new int[connections.count()];
        int e = 0;
        for (final RegisterDagDecoder.ConnectionsDecoder connection : connections)
        {
            dagEdgeFrom[e] = connection.fromStage();
            dagEdgeTo[e] = connection.toStage();
            e++;
        }
        dagFunctions = names.toArray(new String[0]);
        dagName = register.name();
    }

    private void onConnect(final DirectBuffer buffer, final int offset)
    {
        final ConnectDecoder connect = connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = connect.correlationId();
        final long client = connect.clientNode();
        connect.skipNamespaceName();
        connect.skipIdentity();
        final int endpointLength = connect.replyEndpointLength();
        final int endpointOffset = connect.limit() + ConnectDecoder.replyEndpointHeaderLength();
        listener.onConnect(correlationId, client, null == inbound ? 0 : inbound.sessionToken(),
            buffer, endpointOffset, endpointLength);
    }

    /**
     * {@inheritDoc}
     */
    public FunctionKind functionKind(final DirectBuffer buffer, final int offset)
    {
        return registerFunctionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder).kind();
    }

    /**
     * {@inheritDoc}
     */
    public DagDefinition dag(final DirectBuffer buffer, final int offset)
    {
        readDag(buffer, offset);
        return Registry.defineDag(dagName, dagFunctions, dagEdgeFrom, dagEdgeTo);
    }
}
