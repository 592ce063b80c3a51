package io.droplet.perf.peers;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.io.IOException;

/**
 * The Hazelcast member of {@link HazelcastPeer}, run in a JVM of its own with the harness's class path:
 * a one-member cluster on 127.0.0.1 (an ephemeral port, multicast and auto-detection off). It prints
 * {@code ready <port>} on standard output once it takes clients, and shuts down when its standard input
 * ends (the harness closed it, or died).
 * <pre>
 *   java -cp benchmarks.jar io.droplet.perf.peers.HazelcastMemberMain &lt;cluster name&gt;
 * </pre>
 * <p>
 * <b>Note:</b> a program; not for use from other code.
 */
public final class HazelcastMemberMain
{
    /** Printed, followed by the member's port, when the member takes clients. */
    public static final String READY = "ready ";

    private HazelcastMemberMain()
    {
    }

    /**
     * @param args the cluster name.
     * @throws IOException if standard input cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (1 != args.length)
        {
            System.err.println("usage: HazelcastMemberMain <cluster name>");
            System.exit(2);
        }

        final HazelcastInstance member = Hazelcast.newHazelcastInstance(config(args[0]));
        System.out.println(READY + member.getCluster().getLocalMember().getSocketAddress().getPort());
        System.out.flush();

        while (-1 != System.in.read())
        {
            // Nothing is sent: the end of input is the signal to stop.
        }
        member.shutdown();
    }

    /**
     * @param clusterName unique to the run, so no other cluster on this machine is joined.
     * @return the member's configuration.
     */
    static Config config(final String clusterName)
    {
        final Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.socket.bind.any", "false");

        final NetworkConfig network = config.getNetworkConfig();
        network.setPort(0).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        final JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");

        config.getSerializationConfig()
            .addDataSerializableFactory(HazelcastFunctions.FACTORY_ID, new HazelcastFunctions());
        return config;
    }
}
