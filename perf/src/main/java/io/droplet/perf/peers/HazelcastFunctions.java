package io.droplet.perf.peers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Increment and square as Hazelcast executor tasks, written with Hazelcast's
 * {@link IdentifiedDataSerializable}: the client and the member (in another JVM) name a task by factory
 * and class id and write its one field, with no Java serialization.
 * <pre>
 *   task on the wire (after Hazelcast's own header naming factory {@value #FACTORY_ID} and the class id)
 *   +---------------------------------------------------------------+
 *   |                 argument (int64, big-endian)                  |
 *   +---------------------------------------------------------------+
 * </pre>
 * <p>
 * <b>Note:</b> stateless, thread-safe; the tasks themselves are used by one thread each.
 */
public final class HazelcastFunctions implements DataSerializableFactory
{
    /** Factory id registered with the member and the client. */
    public static final int FACTORY_ID = 0x0D50;
    /** Class id of the increment task. */
    public static final int INCREMENT_ID = 1;
    /** Class id of the square task. */
    public static final int SQUARE_ID = 2;

    /**
     * @param classId {@link #INCREMENT_ID} or {@link #SQUARE_ID}.
     * @return an empty task to read the wire form into, or {@code null} for an unknown id (Hazelcast reports it).
     */
    @Override
    public IdentifiedDataSerializable create(final int classId)
    {
        switch (classId)
        {
            case INCREMENT_ID:
                return new Increment();
            case SQUARE_ID:
                return new Square();
            default:
                return null;
        }
    }

    /**
     * @param x argument.
     * @return a task computing {@code x + 1} on the member.
     */
    public static Callable<Long> increment(final long x)
    {
        final Increment task = new Increment();
        task.argument = x;
        return task;
    }

    /**
     * @param x argument.
     * @return a task computing {@code x * x} on the member.
     */
    public static Callable<Long> square(final long x)
    {
        final Square task = new Square();
        task.argument = x;
        return task;
    }

    private abstract static class LongFunction implements Callable<Long>, IdentifiedDataSerializable
    {
        long argument;

        @Override
        public int getFactoryId()
        {
            return FACTORY_ID;
        }

        @Override
        public void writeData(final ObjectDataOutput out) throws IOException
        {
            out.writeLong(argument);
        }

        @Override
        public void readData(final ObjectDataInput in) throws IOException
        {
            argument = in.readLong();
        }
    }

    private static final class Increment extends LongFunction
    {
        @Override
        public int getClassId()
        {
            return INCREMENT_ID;
        }

        @Override
        public Long call()
        {
            return argument + 1;
        }
    }

    private static final class Square extends LongFunction
    {
        @Override
        public int getClassId()
        {
            return SQUARE_ID;
        }

        @Override
        public Long call()
        {
            return argument * argument;
        }
    }
}
