package io.droplet.executors;

import io.droplet.api.DropletFunction;
import io.droplet.api.StatefulFunction;
import io.droplet.codecs.sbe.FunctionKind;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.HashMap;
import java.util.Map;

/**
 * Functions shipped to this executor by the schedulers (control path): classes loaded from the bytes a
 * client registered, stateful classes, and process functions ({@link ProcessFunction}: a pool of
 * processes each, started on first call), installed into {@link LocalFunctions} under their names and
 * removed again when deleted (a deleted or replaced process function's processes are killed).
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent.
 */
final class ShippedFunctions implements AutoCloseable
{
    private final LocalFunctions functions;
    private final ErrorHandler errorHandler;
    private final long processTimeoutNs;
    private final int processPoolSize;
    private final int processReplyLimit;
    private final EpochNanoClock epochClock;
    private final AtomicCounter processesReplaced;
    private final AtomicCounter codeRefused;
    private final FunctionLoader loader = new FunctionLoader();
    private final Map<String, String> registrations = new HashMap<>();
    private final Map<String, ProcessFunction> processes = new HashMap<>();

    /**
     * @param context      of the executor, concluded: its functions, and the process functions' settings.
     * @param counters     of the executor (processes replaced, counted from workers).
     * @param errorHandler told why a function could not be loaded, and when a process was replaced.
     */
    ShippedFunctions(final ExecutorContext context, final ExecutorCounters counters, final ErrorHandler errorHandler)
    {
        this.functions = context.functions();
        this.errorHandler = errorHandler;
        this.processTimeoutNs = context.processTimeoutNs();
        this.processPoolSize = context.processPoolSize();
        // A result is at most the payload limit once encoded; its JSON text is longer (numbers as digits,
        // bytes as base64), so an answer line may be a few times that before it is certainly too large.
        this.processReplyLimit = (int)Math.min(Integer.MAX_VALUE - 16, 8L * context.maxPayloadLength());
        this.epochClock = context.epochClock();
        this.processesReplaced = counters.processesReplaced;
        this.codeRefused = counters.shippedCodeRefused;
    }

    /**
     * Loads a registered function and makes it runnable here.
     */
    void register(
        final String name, final long sessionId, final long correlationId, final long version, final FunctionKind kind,
        final String entryPoint, final DirectBuffer code, final int codeOffset, final int codeLength)
    {
        // Each scheduler of a deployment forwards a registration it learns of: the same registration
        // (same caller, correlation and version) is loaded once, so a stateful instance keeps its state.
        final String identity = sessionId + ":" + correlationId + ":" + version;
        if (identity.equals(registrations.get(name)))
        {
            return;
        }
        registrations.put(name, identity);
        if (kind == FunctionKind.PROCESS)
        {
            try
            {
                final ProcessFunction function = new ProcessFunction(name, ProcessFunction.parseCommand(entryPoint),
                    processPoolSize, processTimeoutNs, processReplyLimit, epochClock, processesReplaced, errorHandler);
                CloseHelper.quietClose(processes.put(name, function));
                functions.install(name, function);
            }
            catch (final IllegalArgumentException ex)
            {
                errorHandler.onError(ex);
            }
            return;
        }
        if (kind != FunctionKind.JAVA && kind != FunctionKind.STATEFUL_CLASS && kind != FunctionKind.KEYED_CLASS)
        {
            return;
        }
        final byte[] bytes = new byte[codeLength];
        code.getBytes(codeOffset, bytes);
        try
        {
            final DropletFunction function = loader.load(name, entryPoint, bytes, version);
            if (function instanceof StatefulFunction)
            {
                ((StatefulFunction)function).init();
            }
            functions.install(name, function);
        }
        catch (final Exception | LinkageError ex)
        {
            // Calls of it will get FUNCTION_NOT_FOUND naming this executor; the reason is in the error log.
            codeRefused.incrementRelease();
            errorHandler.onError(ex);
        }
    }

    /**
     * Removes a function and releases what it held.
     */
    void delete(final String name)
    {
        registrations.remove(name);
        functions.remove(name);
        loader.unload(name);
        CloseHelper.quietClose(processes.remove(name));
    }

    /**
     * @return files of shipped code held now.
     */
    int jarsHeld()
    {
        return loader.jarsHeld();
    }

    /**
     * Releases the class loaders and processes of shipped functions.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(processes.values());
        CloseHelper.quietClose(loader);
    }
}
