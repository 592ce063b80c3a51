package io.droplet.api.lattice;

import io.droplet.codecs.lattice.LatticeType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.droplet.api.lattice.LatticeLayout.CLOCK_ENTRY_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.INT_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.LONG_LENGTH;
import static io.droplet.api.lattice.LatticeLayout.TAG_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A cursor over a valid lattice encoding, decoding it into a {@link Lattice} (the read side of
 * {@link LatticeCodec}; validation runs before it).
 * <p>
 * <b>Note:</b> not thread-safe; one per decode.
 */
final class LatticeReader
{
    private final DirectBuffer buffer;
    private int position;

    LatticeReader(final DirectBuffer buffer, final int position)
    {
        this.buffer = buffer;
        this.position = position;
    }

    int position()
    {
        return position;
    }

    Lattice lattice()
    {
        final LatticeType type = LatticeType.ofTag(buffer.getByte(position));
        position += TAG_LENGTH;
        switch (type)
        {
            case LWW:
            {
                final long timestamp = readLong();
                final long node = readLong();
                return new LwwLattice(timestamp, node, readBytes());
            }
            case SET:
            {
                final int count = readInt();
                final TreeSet<Bytes> elements = new TreeSet<>();
                for (int i = 0; i < count; i++)
                {
                    elements.add(readBytes());
                }
                return new SetLattice(elements);
            }
            case MAX:
                return new MaxLattice(readLong());
            case BOOL:
                return BoolLattice.of(buffer.getByte(position++) != 0);
            case MAP:
            {
                final int count = readInt();
                final TreeMap<String, Lattice> entries = new TreeMap<>(Keys.ORDER);
                for (int i = 0; i < count; i++)
                {
                    final String key = readKey();
                    readInt();
                    entries.put(key, lattice());
                }
                return new MapLattice(entries);
            }
            case ORDERED_SET:
            {
                final int count = readInt();
                final TreeSet<OrderedSetLattice.Entry> entries = new TreeSet<>();
                for (int i = 0; i < count; i++)
                {
                    final long rank = readLong();
                    entries.add(new OrderedSetLattice.Entry(rank, readBytes()));
                }
                return new OrderedSetLattice(entries);
            }
            case PRIORITY:
            {
                final double priority = Double.longBitsToDouble(readLong());
                return new PriorityLattice(priority, readBytes());
            }
            case VECTOR_CLOCK:
                return readClock();
            case SINGLE_KEY_CAUSAL:
            {
                final int count = readInt();
                final List<SingleKeyCausalLattice.Version> versions = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    final VectorClock clock = readClock();
                    versions.add(new SingleKeyCausalLattice.Version(clock, readBytes()));
                }
                return SingleKeyCausalLattice.of(versions);
            }
            case MULTI_KEY_CAUSAL:
            default:
            {
                final int count = readInt();
                final List<MultiKeyCausalLattice.Version> versions = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    final VectorClock clock = readClock();
                    final int dependencyCount = readInt();
                    final TreeMap<String, VectorClock> dependencies = new TreeMap<>(Keys.ORDER);
                    for (int d = 0; d < dependencyCount; d++)
                    {
                        final String key = readKey();
                        dependencies.put(key, readClock());
                    }
                    versions.add(new MultiKeyCausalLattice.Version(clock, dependencies, readBytes()));
                }
                return MultiKeyCausalLattice.of(versions);
            }
        }
    }

    private int readInt()
    {
        final int value = buffer.getInt(position, LITTLE_ENDIAN);
        position += INT_LENGTH;
        return value;
    }

    private long readLong()
    {
        final long value = buffer.getLong(position, LITTLE_ENDIAN);
        position += LONG_LENGTH;
        return value;
    }

    private Bytes readBytes()
    {
        final byte[] bytes = new byte[readInt()];
        buffer.getBytes(position, bytes);
        position += bytes.length;
        return Bytes.wrap(bytes);
    }

    private String readKey()
    {
        // Validated as well-formed UTF-8, so the String encodes back to the same bytes.
        final int length = readInt();
        final String key = buffer.getStringWithoutLengthUtf8(position, length);
        position += length;
        return key;
    }

    private VectorClock readClock()
    {
        final int count = readInt();
        final long[] nodes = new long[count];
        final long[] counters = new long[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = readLong();
            counters[i] = readLong();
        }
        return new VectorClock(nodes, counters);
    }
}
