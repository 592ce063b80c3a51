package io.droplet.scheduler;

import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueType;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.KeySummary;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashMap;
import java.util.Map;

/**
 * What the host caches hold, for placement by locality: each host cache's heartbeat carries a summary
 * (a Bloom filter) of its keys, and an invocation's source arguments may reference KVS keys; the host
 * whose cache probably holds most of them is preferred (Cloudburst's locality).
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Collecting an invocation's keys does not
 * allocate.
 */
final class CacheLocality implements PlacementPolicy.Locality
{
    /** Referenced keys looked at per invocation, at most (top level of each source stage's list). */
    static final int MAX_REFERENCED_KEYS = 16;

    private final Map<String, UnsafeBuffer> summaryByHost = new HashMap<>();
    private final long[] referencedKeyHashes = new long[MAX_REFERENCED_KEYS];
    private final ValueReader argsReader = new ValueReader();
    private int referencedKeys;

    /**
     * Keeps a host cache's latest key summary (copied: control path, once per cache heartbeat).
     *
     * @param host    the cache's host.
     * @param summary buffer holding the summary.
     * @param offset  of the summary.
     * @param length  of the summary.
     */
    void onCacheSummary(final String host, final DirectBuffer summary, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        summary.getBytes(offset, copy);
        summaryByHost.put(host, new UnsafeBuffer(copy));
    }

    /**
     * Hashes the KVS keys an invocation's source arguments reference, for {@link #keysCachedOn(String)}.
     *
     * @param dag  of the invocation.
     * @param args its source arguments.
     * @return this, or {@link PlacementPolicy.Locality#NONE} if no key is referenced or no cache is known.
     */
    PlacementPolicy.Locality of(final DagDefinition dag, final SourceArgs args)
    {
        referencedKeys = 0;
        if (summaryByHost.isEmpty())
        {
            return NONE;
        }
        final DirectBuffer buffer = args.buffer();
        for (int s = 0; s < dag.stageCount() && s < SourceArgs.MAX_STAGES; s++)
        {
            if (!dag.isSource(s) || args.length(s) <= 0)
            {
                continue;
            }
            argsReader.wrap(buffer, args.offset(s), args.length(s));
            if (argsReader.type() != ValueType.LIST)
            {
                continue;
            }
            final int count = argsReader.enterList();
            for (int i = 0; i < count && referencedKeys < MAX_REFERENCED_KEYS; i++)
            {
                if (argsReader.type() == ValueType.REFERENCE)
                {
                    referencedKeyHashes[referencedKeys++] =
                        HashRing.hash(buffer, argsReader.payloadOffset(), argsReader.payloadLength());
                }
                argsReader.skip();
            }
        }
        return referencedKeys == 0 ? NONE : this;
    }

    /**
     * {@inheritDoc}
     */
    public int keysCachedOn(final String host)
    {
        final UnsafeBuffer summary = summaryByHost.get(host);
        if (null == summary)
        {
            return 0;
        }
        int cached = 0;
        for (int i = 0; i < referencedKeys; i++)
        {
            cached += KeySummary.mightContain(summary, 0, summary.capacity(), referencedKeyHashes[i]) ? 1 : 0;
        }
        return cached;
    }
}
