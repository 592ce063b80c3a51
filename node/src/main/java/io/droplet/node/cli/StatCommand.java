package io.droplet.node.cli;

import io.aeron.CncFileDescriptor;
import io.droplet.transport.CounterDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code droplet stat}: prints the counters of every Droplet node using a media driver, read from
 * outside those processes through the driver's CnC file. A counter is a Droplet one if its type id is in
 * {@link CounterDescriptor}'s block; each line ends with the descriptor's name, the same in every process
 * (the label before it carries the node's name).
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Print Droplet counters (and with --all, the driver's) from an Aeron directory.")
public final class StatCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Aeron directory of the driver.")
    private String dir;

    @Option(names = "--all", description = "Also print the media driver's own counters.")
    private boolean all;

    /**
     * {@inheritDoc}
     */
    public Integer call()
    {
        final File cncFile = new File(dir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.exists())
        {
            System.err.println("no media driver at " + dir + " (" + cncFile + " not found)");
            return 2;
        }
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            final DirectBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final int version = metaData.getInt(CncFileDescriptor.cncVersionOffset(0));
            CncFileDescriptor.checkVersion(version);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData));
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                final CounterDescriptor descriptor = CounterDescriptor.get(typeId);
                if (null != descriptor)
                {
                    System.out.printf("%3d: %,20d - %s [%s]%n", counterId, counters.getCounterValue(counterId), label,
                        descriptor.name().toLowerCase(Locale.ROOT));
                }
                else if (all || CounterDescriptor.isDroplet(typeId))
                {
                    System.out.printf("%3d: %,20d - %s%n", counterId, counters.getCounterValue(counterId), label);
                }
            });
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
        return 0;
    }
}
