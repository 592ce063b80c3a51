package io.droplet.store.ring;

import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A consistent hash ring of storage nodes with virtual nodes. A key's replicas are the first R
 * distinct nodes met walking clockwise from the key's hash; its primary is the first of them.
 * <p>
 * Lookups ({@link #replicas}) are allocation-free: a binary search over a sorted array of points.
 * Membership changes rebuild the arrays (the control path).
 * <p>
 * <b>Note:</b> not thread-safe; membership changes and lookups belong to one thread (or publish a
 * new ring to readers instead of changing a shared one).
 */
public final class HashRing
{
    /** Default virtual nodes per node: enough for about ±10% balance. */
    public static final int DEFAULT_VIRTUAL_NODES = 256;

    private final int virtualNodes;
    private long[] nodes = new long[0];
    private long[] points = new long[0];
    private long[] owners = new long[0];

    /**
     * @param virtualNodes points each node has on the ring.
     */
    public HashRing(final int virtualNodes)
    {
        if (virtualNodes < 1)
        {
            throw new IllegalArgumentException("virtualNodes must be positive: " + virtualNodes);
        }
        this.virtualNodes = virtualNodes;
    }

    /**
     * Adds a node; no effect if present.
     *
     * @param nodeId to add.
     */
    public void add(final long nodeId)
    {
        if (contains(nodeId))
        {
            return;
        }
        final long[] grown = Arrays.copyOf(nodes, nodes.length + 1);
        grown[nodes.length] = nodeId;
        Arrays.sort(grown);
        nodes = grown;
        rebuild();
    }

    /**
     * Removes a node; no effect if absent.
     *
     * @param nodeId to remove.
     */
    public void remove(final long nodeId)
    {
        if (!contains(nodeId))
        {
            return;
        }
        nodes = Arrays.stream(nodes).filter(node -> node != nodeId).toArray();
        rebuild();
    }

    /**
     * @param nodeId a node.
     * @return true if it is on the ring.
     */
    public boolean contains(final long nodeId)
    {
        return Arrays.binarySearch(nodes, nodeId) >= 0;
    }

    /**
     * @return the nodes on the ring, ascending (a copy).
     */
    public long[] nodes()
    {
        return nodes.clone();
    }

    /**
     * @return how many nodes are on the ring.
     */
    public int size()
    {
        return nodes.length;
    }

    private void rebuild()
    {
        final int count = nodes.length * virtualNodes;
        final long[][] pairs = new long[count][];
        int p = 0;
        for (final long node : nodes)
        {
            for (int v = 0; v < virtualNodes; v++)
            {
                pairs[p++] = new long[]{ pointOf(node, v), node };
            }
        }
        // Ties between points (vanishingly rare) are broken by node id so every process builds the same ring.
        Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        points = new long[count];
        owners = new long[count];
        for (int i = 0; i < count; i++)
        {
            points[i] = pairs[i][0];
            owners[i] = pairs[i][1];
        }
    }

    /**
     * Finds a key's replicas.
     *
     * @param key               buffer holding the key.
     * @param offset            of the key.
     * @param length            of the key.
     * @param replicationFactor R.
     * @param out               receives the replicas, primary first; at least R long.
     * @return how many replicas were written: min(R, nodes on the ring).
     */
    public int replicas(
        final DirectBuffer key, final int offset, final int length, final int replicationFactor, final long[] out)
    {
        return replicasOfHash(hash(key, offset, length), replicationFactor, out);
    }

    /**
     * Finds the replicas of a key hash (see {@link #hash}).
     *
     * @param keyHash           of the key.
     * @param replicationFactor R.
     * @param out               receives the replicas, primary first.
     * @return how many replicas were written.
     */
    public int replicasOfHash(final long keyHash, final int replicationFactor, final long[] out)
    {
        final int wanted = Math.min(replicationFactor, nodes.length);
        if (wanted == 0)
        {
            return 0;
        }
        int index = Arrays.binarySearch(points, keyHash);
        if (index < 0)
        {
            index = -index - 1;
        }
        int found = 0;
        for (int step = 0; step < points.length && found < wanted; step++)
        {
            final long owner = owners[(index + step) % points.length];
            boolean seen = false;
            for (int i = 0; i < found; i++)
            {
                seen |= out[i] == owner;
            }
            if (!seen)
            {
                out[found++] = owner;
            }
        }
        return found;
    }

    /**
     * @param key    buffer holding the key.
     * @param offset of the key.
     * @param length of the key.
     * @return the key's position on the ring: FNV-1a over the bytes, then a 64-bit finaliser to spread it.
     */
    public static long hash(final DirectBuffer key, final int offset, final int length)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++)
        {
            h ^= key.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long pointOf(final long node, final int virtualNode)
    {
        return mix(mix(node) + 0x9E3779B97F4A7C15L * (virtualNode + 1));
    }

    private static long mix(final long value)
    {
        // MurmurHash3's fmix64: every input bit affects every output bit.
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
