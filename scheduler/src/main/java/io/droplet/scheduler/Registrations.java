package io.droplet.scheduler;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.security.Principal;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * Answers the registry requests (register, delete and list functions; register and delete DAGs): checks
 * them against the {@link Registry} (waiting for the KVS on a miss), stores each change in the KVS with
 * ack ALL and only then applies it and acknowledges the caller, so a registration is visible to every
 * scheduler before its caller hears it succeeded.
 * <p>
 * Control path: allocates freely.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread.
 */
final class Registrations implements PendingLookup.Owner
{
    private final Registry registry;
    private final Membership membership;
    private final ClientReplies replies;
    private final SchedulerCounters counters;
    private final FunctionClassCheck classCheck;

    /**
     * @param registry      the cache and its KVS.
     * @param membership    live executors (a stateful function needs one to be pinned to).
     * @param replies       to callers.
     * @param counters      of the scheduler (registrations refused).
     * @param classesShared true if a class registered by name must load from the scheduler's class path.
     */
    Registrations(
        final Registry registry, final Membership membership, final ClientReplies replies, final SchedulerCounters counters,
        final boolean classesShared)
    {
        this.registry = registry;
        this.membership = membership;
        this.replies = replies;
        this.counters = counters;
        this.classCheck = new FunctionClassCheck(classesShared);
    }

    void onRegisterFunction(
        final long correlationId, final long caller, final FunctionKind kind, final DirectBuffer nameBuffer,
        final int nameOffset, final int nameLength, final DirectBuffer frameBuffer, final int frameOffset, final int frameLength)
    {
        final String name = nameBuffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
        if (name.isEmpty())
        {
            replies.error(caller, correlationId, ErrorCode.INVALID_ARGUMENT, "a function needs a name");
            return;
        }
        if (kind != FunctionKind.LOCAL && kind != FunctionKind.JAVA && kind != FunctionKind.PROCESS &&
            kind != FunctionKind.STATEFUL_CLASS && kind != FunctionKind.KEYED_CLASS)
        {
            replies.error(caller, correlationId, ErrorCode.INVALID_ARGUMENT, "function kind " + kind + " is not supported yet");
            return;
        }
        if (kind == FunctionKind.STATEFUL_CLASS && membership.liveExecutors().isEmpty())
        {
            replies.error(caller, correlationId, ErrorCode.NO_RESOURCES, "no live executor to pin " + name + " to");
            return;
        }
        // What an executor will check when it loads the class, checked now: acknowledged means runnable.
        final String unloadable = classCheck.problem(kind, frameBuffer, frameOffset);
        if (null != unloadable)
        {
            refuse(caller, correlationId, unloadable);
            return;
        }
        final byte[] frame = new byte[frameLength];
        frameBuffer.getBytes(frameOffset, frame);
        persist(RegistryStore.FUNCTION_PREFIX + name, frame, caller, correlationId, () -> registry.applyFunction(name, frame));
    }

    void onDeleteFunction(
        final long correlationId, final long caller, final DirectBuffer nameBuffer, final int nameOffset, final int nameLength)
    {
        final String name = nameBuffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
        if (null == registry.function(name))
        {
            final PendingLookup lookup = PendingLookup.registration(
                PendingLookup.Request.DELETE_FUNCTION, this, correlationId, caller, name, null, null);
            if (!registry.lookUp(lookup, PendingLookup.State.READING_ENTRY, List.of(RegistryStore.FUNCTION_PREFIX + name)))
            {
                deleteFunction(lookup);
            }
            return;
        }
        persist(RegistryStore.FUNCTION_PREFIX + name, new byte[0], caller, correlationId, () -> registry.removeFunction(name));
    }

    void onDeleteDag(
        final long correlationId, final long caller, final DirectBuffer nameBuffer, final int nameOffset, final int nameLength)
    {
        final String name = nameBuffer.getStringWithoutLengthUtf8(nameOffset, nameLength);
        final PendingLookup lookup = PendingLookup.registration(
            PendingLookup.Request.DELETE_DAG, this, correlationId, caller, name, null, null);
        if (null != registry.dag(name) ||
            !registry.lookUp(lookup, PendingLookup.State.READING_ENTRY, List.of(RegistryStore.DAG_PREFIX + name)))
        {
            deleteDag(lookup);
        }
    }

    void onRegisterDag(
        final long correlationId, final long caller, final String name, final String[] functions, final int[] edgeFrom,
        final int[] edgeTo, final DirectBuffer frameBuffer, final int frameOffset, final int frameLength)
    {
        final DagDefinition dag;
        try
        {
            dag = Registry.defineDag(name, functions, edgeFrom, edgeTo);
        }
        catch (final IllegalArgumentException ex)
        {
            refuse(caller, correlationId, ex.getMessage());
            return;
        }
        final byte[] frame = new byte[frameLength];
        frameBuffer.getBytes(frameOffset, frame);
        final PendingLookup lookup = PendingLookup.registration(
            PendingLookup.Request.REGISTER_DAG, this, correlationId, caller, name, dag, frame);
        if (null == registry.dag(name))
        {
            // Another scheduler may hold the name or the functions: read them before deciding.
            final List<String> keys = registry.unknownFunctionKeys(dag);
            keys.add(RegistryStore.DAG_PREFIX + name);
            if (registry.lookUp(lookup, PendingLookup.State.READING_ENTRY, keys))
            {
                return;
            }
        }
        registerDag(lookup);
    }

    void onListFunctions(final long correlationId, final long caller, final Principal principal)
    {
        if (null == registry.storage())
        {
            replies.functionList(caller, correlationId, registry.functionKinds(), principal);
            return;
        }
        // Any scheduler lists the whole registry, not only what it has cached.
        registry.refreshFunctions((code, ignored) ->
        {
            if (code != ErrorCode.NONE)
            {
                replies.error(caller, correlationId, code, "the registry could not be read");
                return;
            }
            replies.functionList(caller, correlationId, registry.functionKinds(), principal);
        });
    }

    /**
     * {@inheritDoc}
     */
    public void onLookedUp(final PendingLookup lookup, final PendingLookup.State after)
    {
        switch (lookup.request)
        {
            case DELETE_FUNCTION:
                deleteFunction(lookup);
                break;
            case DELETE_DAG:
                deleteDag(lookup);
                break;
            case REGISTER_DAG:
                registerDag(lookup);
                break;
            default:
                throw new IllegalStateException("not a registration: " + lookup.request);
        }
    }

    private void deleteFunction(final PendingLookup lookup)
    {
        final String name = lookup.name;
        if (null == registry.function(name))
        {
            replyMissing(lookup, ErrorCode.FUNCTION_NOT_FOUND, "no function named " + name);
            return;
        }
        persist(RegistryStore.FUNCTION_PREFIX + name, new byte[0], lookup.replyTo, lookup.correlationId,
            () -> registry.removeFunction(name));
    }

    private void deleteDag(final PendingLookup lookup)
    {
        final String name = lookup.name;
        if (null == registry.dag(name))
        {
            replyMissing(lookup, ErrorCode.NO_SUCH_DAG, "no DAG named " + name);
            return;
        }
        persist(RegistryStore.DAG_PREFIX + name, new byte[0], lookup.replyTo, lookup.correlationId,
            () -> registry.removeDag(name));
    }

    private void registerDag(final PendingLookup lookup)
    {
        final long caller = lookup.replyTo;
        final String name = lookup.name;
        final DagDefinition dag = lookup.dag;
        if (lookup.failure() != ErrorCode.NONE)
        {
            replies.error(caller, lookup.correlationId, lookup.failure(), "the registry could not be read: " + lookup.failure());
            return;
        }
        if (null != registry.dag(name))
        {
            replies.error(caller, lookup.correlationId, ErrorCode.DAG_ALREADY_EXISTS, "a DAG named " + name + " exists");
            return;
        }
        for (int s = 0; s < dag.stageCount(); s++)
        {
            if (null == registry.function(dag.function(s)))
            {
                replies.error(caller, lookup.correlationId, ErrorCode.FUNCTION_NOT_FOUND,
                    "DAG " + name + " uses unregistered function " + dag.function(s));
                return;
            }
        }
        persist(RegistryStore.DAG_PREFIX + name, lookup.frame, caller, lookup.correlationId, () -> registry.putDag(name, dag));
    }

    private void refuse(final long caller, final long correlationId, final String detail)
    {
        counters.registrationsRefused.incrementRelease();
        replies.error(caller, correlationId, ErrorCode.INVALID_ARGUMENT, detail);
    }

    private void replyMissing(final PendingLookup lookup, final ErrorCode notFound, final String detail)
    {
        if (lookup.failure() != ErrorCode.NONE)
        {
            replies.error(lookup.replyTo, lookup.correlationId, lookup.failure(),
                "the registry could not be read: " + lookup.failure());
        }
        else
        {
            replies.error(lookup.replyTo, lookup.correlationId, notFound, detail);
        }
    }

    /**
     * Stores a registry change in the KVS (when there is one) and, once ALL replicas hold it, applies it
     * here and acknowledges the caller.
     */
    private void persist(final String key, final byte[] frame, final long caller, final long correlationId, final Runnable apply)
    {
        final RegistryStorage storage = registry.storage();
        if (null == storage)
        {
            apply.run();
            replies.ack(caller, correlationId);
            return;
        }
        storage.write(key, frame, (code, found) ->
        {
            if (code != ErrorCode.NONE)
            {
                replies.error(caller, correlationId, code, "the registry could not store " + key + ": " + code);
                return;
            }
            apply.run();
            replies.ack(caller, correlationId);
        });
    }
}
