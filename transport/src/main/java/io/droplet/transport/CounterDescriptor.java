package io.droplet.transport;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Every counter a Droplet process allocates in Aeron's CnC file, with its stable type id and what its
 * label says: the one place type ids are given out, so {@code droplet stat} (or Aeron's own AeronStat)
 * can name any counter from outside the process, and no two roles' ids can collide. Type ids are part of
 * the observable interface: never renumber one, add new ones at the end of their role's block.
 * <pre>
 *   7100..7119  transport, per node             7140..7159  storage node
 *   7120        transport, rejected by reason   7160..7169  executor
 *   7121..7139  executor, continued             7170..7199  scheduler
 * </pre>
 * A label reads {@code "droplet <node name>: <what>"}, e.g. {@code "droplet scheduler-1: live executors"}.
 * <p>
 * <b>Note:</b> immutable, thread-safe.
 */
public enum CounterDescriptor
{
    /** Messages handed to a publication. */
    MESSAGES_SENT(7100, "messages sent"),
    /** Bytes handed to a publication. */
    BYTES_SENT(7101, "bytes sent"),
    /** Sends that met back-pressure at least once. */
    SENDS_BACK_PRESSURED(7102, "sends back-pressured"),
    /** Sends that found their publication not connected at least once. */
    SENDS_NOT_CONNECTED(7103, "sends not connected"),
    /** Messages given up. */
    SENDS_FAILED(7104, "sends failed"),
    /** Sends refused because the message exceeded the configured maximum. */
    PAYLOADS_TOO_LARGE(7105, "payloads too large"),
    /** Valid frames received and dispatched. */
    FRAMES_RECEIVED(7106, "frames received"),
    /** Bytes of valid frames received. */
    BYTES_RECEIVED(7107, "bytes received"),
    /** Frames rejected, all reasons. */
    FRAMES_REJECTED(7108, "frames rejected"),
    /** Requests that reached their deadline unanswered. */
    REQUESTS_TIMED_OUT(7109, "requests timed out"),
    /** Responses whose correlation id was unknown or already expired. */
    UNKNOWN_CORRELATIONS(7110, "responses to unknown correlation"),
    /** Requests refused because too many were in flight. */
    REQUESTS_REFUSED(7111, "requests refused (too many in flight)"),
    /** Valid frames whose handler threw. */
    HANDLER_ERRORS(7112, "frame handler errors"),
    /** Introductions sent again because the link to a peer came back. */
    REINTRODUCTIONS(7113, "introductions sent again"),
    /** Clients that proved their secret to this node. */
    SESSIONS_AUTHENTICATED(7114, "client sessions authenticated"),
    /** New peers not remembered: the directory was full of peers it could not forget. */
    PEERS_REFUSED(7115, "peers refused (directory full)"),
    /** Links not opened: as many were open and connected (or young) as the node may hold. */
    LINKS_REFUSED(7116, "links refused (too many open)"),
    /** Links closed to make room because their peer was not connected. */
    LINKS_CLOSED(7117, "unconnected links closed"),
    /** {@code Connect}s from peers without a link dropped: as many new peers were answered as the window allows. */
    CONNECTS_REFUSED(7118, "connects of new peers refused (window full)"),
    /** Frames rejected for one reason; one counter per reason, the reason after the colon. */
    FRAMES_REJECTED_BY_REASON(7120, "frames rejected"),

    /** Client gets served. */
    STORE_GETS(7140, "store gets"),
    /** Puts received from clients. */
    STORE_PUTS(7141, "store puts"),
    /** Merges that changed a stored value. */
    STORE_MERGES(7142, "store merges that changed a value"),
    /** Gossip rounds run. */
    STORE_GOSSIP_ROUNDS(7143, "store gossip rounds"),
    /** Bytes of keys and values stored. */
    STORE_BYTES_STORED(7144, "store bytes stored"),
    /** Times the store was recovered after an unclean stop. */
    STORE_RECOVERIES(7145, "store recoveries"),
    /** Entries dropped because they failed their checksum. */
    STORE_DROPPED_CORRUPT(7146, "store entries dropped as corrupt"),
    /** Map files set aside as damaged beyond recovery (the store started empty; replicas re-sync it). */
    STORE_FILES_MOVED_ASIDE(7147, "store files set aside as damaged"),
    /** Repairs of the map's bookkeeping at recovery that lost nothing (stale after an unclean stop). */
    STORE_RECOVERY_REPAIRS(7148, "store recovery repairs (nothing lost)"),
    /** Keys whose values were dropped as corrupt and have none again yet. */
    STORE_KEYS_LOST(7149, "store keys lost (reads answer DATA_LOST)"),
    /** Reads answered DATA_LOST. */
    STORE_READS_DATA_LOST(7150, "store reads answered DATA_LOST"),
    /** Subscriptions a storage node refused past its bound per subscriber or in all, or dropped with their subscriber. */
    STORE_SUBSCRIPTIONS_REFUSED(7151, "storage subscriptions refused or dropped"),
    /** Reads of a key the store held, found absent after losses whose keys were not named, answered DATA_LOST. */
    STORE_READS_LOST_UNNAMED(7152, "store reads answered DATA_LOST by the written-keys filter"),
    /** Puts refused as too large: past the largest value, or causal values past the validator's bounds. */
    STORE_PUTS_TOO_LARGE(7153, "store puts refused as too large"),
    /** Gossip frames dropped because their sender is not a member of the ring. */
    STORE_GOSSIP_FROM_STRANGERS(7155, "store gossip dropped (sender not in the ring)"),
    /** Replica merges dropped because their sender is not a member of the ring. */
    STORE_MERGES_FROM_STRANGERS(7156, "store replica merges dropped (sender not in the ring)"),
    /** Gets answered PAYLOAD_TOO_LARGE because the answer would exceed the message limit. */
    STORE_GETS_TOO_LARGE(7157, "store gets answered too large"),

    /** Stages run to completion. */
    EXECUTOR_STAGES_RUN(7160, "executor stages run"),
    /** Stages that ended in an error sent to the caller. */
    EXECUTOR_STAGES_FAILED(7161, "executor stages failed"),
    /** Outputs that could not be delivered. */
    EXECUTOR_UNDELIVERABLE(7162, "executor outputs undeliverable"),
    /** Fan-in stages waiting for parents. */
    EXECUTOR_FAN_INS_WAITING(7163, "executor fan-ins waiting"),
    /** Messages functions sent to other executors' mailboxes. */
    EXECUTOR_MESSAGES_SENT(7164, "executor messages sent"),
    /** Messages stored in this executor's mailbox. */
    EXECUTOR_MESSAGES_RECEIVED(7165, "executor messages received"),
    /** Messages dropped. */
    EXECUTOR_MESSAGES_DROPPED(7166, "executor messages dropped"),
    /** Key accesses refused: a name outside the function's namespace. */
    EXECUTOR_KEYS_REFUSED(7167, "executor keys refused (other namespace)"),
    /** Runs refused NO_RESOURCES: every worker busy and the queue full. */
    EXECUTOR_RUNS_REFUSED(7168, "executor runs refused (pool full)"),
    /** Results of pooled runs that came back after their deadline, dropped. */
    EXECUTOR_LATE_RESULTS_DROPPED(7169, "executor late results dropped"),
    /** Pooled runs cancelled: past their invocation's deadline, or cancelled by their caller. */
    EXECUTOR_RUNS_CANCELLED(7121, "executor runs cancelled"),
    /** Functions run again after failing inside, as their retry policy allows. */
    EXECUTOR_RETRIES(7122, "executor retries"),
    /** Calls running functions made to other functions and DAGs. */
    EXECUTOR_NESTED_CALLS(7123, "executor nested calls"),
    /** Functions declared short moved to the worker pool because they call other functions. */
    EXECUTOR_FUNCTIONS_MOVED_TO_POOL(7124, "executor functions moved to the pool"),
    /** Processes of process functions killed (exited, silent past the deadline, garbage, cancelled) and replaced. */
    EXECUTOR_PROCESSES_REPLACED(7125, "executor function processes replaced"),
    /** Activations of keyed functions an executor holds now (a gauge). */
    EXECUTOR_KEYED_ACTIVATIONS(7127, "executor keyed activations"),
    /** Idle activations of keyed functions evicted to make room for another key's. */
    EXECUTOR_KEYED_EVICTIONS(7128, "executor keyed activations evicted"),
    /** Fan-in outputs refused past a bound (per invocation: PAYLOAD_TOO_LARGE; per executor: NO_RESOURCES). */
    EXECUTOR_FAN_INS_REFUSED(7126, "executor fan-ins refused (bytes bound)"),
    /** Fan-ins released before completing (their invocation failed, was cancelled or expired) and late outputs dropped. */
    EXECUTOR_FAN_INS_RELEASED(7129, "executor fan-ins released"),
    /** Triggers refused NO_RESOURCES because the triggers parked for the host cache reached their bound. */
    EXECUTOR_TRIGGERS_PARK_REFUSED(7130, "executor parked triggers refused"),
    /**
     * Values a host cache refused to store: not a valid lattice, of another type than the one it holds, or an update of
     * a key it does not hold.
     */
    CACHE_VALUES_REJECTED(7131, "host cache values rejected"),
    /** Shipped code that could not be loaded (its temporary file deleted at once). */
    EXECUTOR_SHIPPED_CODE_REFUSED(7133, "executor shipped code refused"),
    /** Bytes of parents' outputs the executor's waiting fan-ins hold now (a gauge). */
    EXECUTOR_FAN_IN_BYTES(7134, "executor fan-in bytes held"),

    /** Invocations started (calls and DAG calls). */
    SCHEDULER_INVOCATIONS_STARTED(7170, "invocations started"),
    /** Calls refused. */
    SCHEDULER_CALLS_REFUSED(7171, "calls refused"),
    /** Executors heard from within the timeout. */
    SCHEDULER_LIVE_EXECUTORS(7172, "live executors"),
    /** Executors dropped for missing heartbeats. */
    SCHEDULER_EXECUTORS_EXPIRED(7173, "executors expired"),
    /** Invocations run again because their executor died. */
    SCHEDULER_RERUNS(7174, "invocations re-run"),
    /** Registry reads from the KVS after a miss in the scheduler's cache. */
    SCHEDULER_REGISTRY_LOOKUPS(7175, "registry lookups"),
    /** Shipped registrations sent again to an executor. */
    SCHEDULER_REGISTRATION_REPLAYS(7176, "registrations replayed"),
    /** Logged invocations an executor reported answered, so no longer kept for a re-run. */
    SCHEDULER_INVOCATIONS_COMPLETED(7177, "invocations reported completed"),
    /** Calls in flight cancelled by their callers. */
    SCHEDULER_INVOCATIONS_CANCELLED(7178, "invocations cancelled"),
    /** Calls that found every executor able to run them full and waited for a free slot. */
    SCHEDULER_CALLS_QUEUED(7179, "calls queued for a free slot"),
    /** Calls answered NO_RESOURCES because every executor was full and the scheduler's queue too. */
    SCHEDULER_CALLS_QUEUE_FULL(7180, "calls refused (scheduler queue full)"),
    /** Calls that waited for a free slot until their deadline, answered TIMEOUT. */
    SCHEDULER_QUEUED_CALLS_TIMED_OUT(7181, "queued calls timed out"),
    /** Calls waiting for a free slot now. */
    SCHEDULER_CALLS_WAITING(7182, "calls waiting for a free slot"),
    /** Calls answered MALFORMED because their arguments are not a valid value encoding. */
    SCHEDULER_CALLS_MALFORMED(7183, "calls refused (malformed arguments)"),
    /** Periodic calls refused: a period under the minimum, or the caller's periodic calls at their cap. */
    SCHEDULER_PERIODIC_CALLS_REFUSED(7184, "periodic calls refused (period or cap)"),
    /** Registrations refused for what would only fail at run time (edges, class not loadable or not a function). */
    SCHEDULER_REGISTRATIONS_REFUSED(7185, "registrations refused"),
    /** Periodic calls running now. */
    SCHEDULER_PERIODIC_CALLS(7186, "periodic calls running");

    /** Smallest type id of a Droplet counter. */
    public static final int FIRST_TYPE_ID = 7100;
    /** Largest type id reserved for Droplet counters. */
    public static final int LAST_TYPE_ID = 7199;

    private static final CounterDescriptor[] BY_TYPE_ID = new CounterDescriptor[LAST_TYPE_ID - FIRST_TYPE_ID + 1];

    static
    {
        for (final CounterDescriptor descriptor : values())
        {
            final int index = descriptor.typeId - FIRST_TYPE_ID;
            if (null != BY_TYPE_ID[index])
            {
                throw new IllegalStateException("type id " + descriptor.typeId + " given twice: " + descriptor + ", " +
                    BY_TYPE_ID[index]);
            }
            BY_TYPE_ID[index] = descriptor;
        }
    }

    private final int typeId;
    private final String what;

    CounterDescriptor(final int typeId, final String what)
    {
        if (typeId < FIRST_TYPE_ID || typeId > LAST_TYPE_ID)
        {
            throw new IllegalArgumentException("type id outside Droplet's block: " + typeId);
        }
        this.typeId = typeId;
        this.what = what;
    }

    /**
     * @return the counter's stable type id.
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * @return what the counter counts, as its label says after the node's name.
     */
    public String what()
    {
        return what;
    }

    /**
     * @param nodeName of the node (or role) the counter belongs to.
     * @return the counter's label.
     */
    public String label(final String nodeName)
    {
        return "droplet " + nodeName + ": " + what;
    }

    /**
     * @param nodeName of the node the counter belongs to.
     * @param detail   one of several counters of this type (a rejection reason, say).
     * @return the label of that counter.
     */
    public String label(final String nodeName, final String detail)
    {
        return label(nodeName) + ": " + detail;
    }

    /**
     * Allocates this counter for a node.
     *
     * @param allocator of counters (Aeron's {@code addCounter}, or a test's in-memory manager).
     * @param nodeName  for the label.
     * @return the counter.
     */
    public AtomicCounter allocate(final TransportCounters.Allocator allocator, final String nodeName)
    {
        return allocator.allocate(typeId, label(nodeName));
    }

    /**
     * @param typeId of a counter.
     * @return its descriptor, or null if it is not a Droplet counter.
     */
    public static CounterDescriptor get(final int typeId)
    {
        return isDroplet(typeId) ? BY_TYPE_ID[typeId - FIRST_TYPE_ID] : null;
    }

    /**
     * @param typeId of a counter.
     * @return true if it lies in the block reserved for Droplet.
     */
    public static boolean isDroplet(final int typeId)
    {
        return typeId >= FIRST_TYPE_ID && typeId <= LAST_TYPE_ID;
    }
}
