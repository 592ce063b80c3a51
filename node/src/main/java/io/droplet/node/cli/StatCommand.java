package io.droplet.node.cli;

import io.aeron.CncFileDescriptor;
import io.droplet.transport.TransportCounters;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.concurrent.Callable;

/**
 * {@code droplet stat}: prints the counters of every Droplet node using a media driver, read from
 * outside those processes through the driver's CnC file.
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
                final boolean droplet = typeId >= TransportCounters.TYPE_ID_BASE && typeId < TransportCounters.TYPE_ID_BASE + 100;
                if (all || droplet)
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
