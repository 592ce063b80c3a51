package io.droplet.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.api.lattice.LatticeCodec;
import io.droplet.api.lattice.LwwLattice;
import io.droplet.store.ring.HashRing;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.SendStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.droplet.client.RequestsFixture.failure;
import static io.droplet.client.RequestsFixture.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's storage gets and puts: sent to the first of the key's replicas not suspected down, completed
 * on the node's answer, failed with TIMEOUT at their deadline, after which the key's next replica takes over.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KvsRequestsTest
{
    private static final long SUSPECT_NS = TimeUnit.SECONDS.toNanos(2);

    private final RequestsFixture f = new RequestsFixture();
    private final HashRing ring = new HashRing(HashRing.DEFAULT_VIRTUAL_NODES);
    private final byte[] key = "some-key".getBytes(StandardCharsets.UTF_8);
    private final long[] replicas = new long[3];

    KvsRequestsTest()
    {
        ring.add(21);
        ring.add(22);
        ring.add(23);
        ring.replicas(new UnsafeBuffer(key), 0, key.length, 3, replicas);
        f.requests.storage().failover(new ReplicaFailover(ring, 3, SUSPECT_NS, f.clock));
    }

    private KvsGetRequest get()
    {
        return f.send(new KvsGetRequest(f.nextId(), f.deadline(), key));
    }

    private KvsPutRequest put()
    {
        return f.send(new KvsPutRequest(f.nextId(), f.deadline(), key, new byte[]{1}, AckLevel.ONE));
    }

    private String last()
    {
        return f.publisher.sent.get(f.publisher.sent.size() - 1);
    }

    @Test
    void putGoesToThePrimaryAndCompletesOnItsAcknowledgementOrFailsWithItsCode()
    {
        final KvsPutRequest put = put();
        assertEquals("put " + replicas[0] + " " + put.correlationId, last());
        f.requests.onPutResponse(put.correlationId, ErrorCode.NONE);
        assertEquals(null, value(put.future));

        final KvsPutRequest refused = put();
        f.requests.onPutResponse(refused.correlationId, ErrorCode.FORBIDDEN);
        assertEquals(ErrorCode.FORBIDDEN, failure(refused.future));
        assertEquals(0, f.pastDeadline());
    }

    @Test
    void getCompletesWithTheFirstValueFoundOrNull()
    {
        final LwwLattice stored = new LwwLattice(5, 6, new byte[]{7, 8});
        final byte[] encoded = LatticeCodec.toBytes(stored);
        final UnsafeBuffer buffer = new UnsafeBuffer(encoded);

        final KvsGetRequest found = get();
        assertTrue(f.requests.onGetResponse(found.correlationId, ErrorCode.NONE));
        f.requests.onGetEntry(found.correlationId, 0, true, buffer, 0, 0, 0, encoded.length);
        assertFalse(found.future.isDone(), "complete after the last entry");
        f.requests.onGetComplete(found.correlationId);
        assertEquals(stored, value(found.future));

        final KvsGetRequest missing = get();
        assertTrue(f.requests.onGetResponse(missing.correlationId, ErrorCode.NONE));
        f.requests.onGetEntry(missing.correlationId, 0, false, buffer, 0, 0, 0, 0);
        f.requests.onGetComplete(missing.correlationId);
        assertEquals(null, value(missing.future));
    }

    @Test
    void failsOverToTheNextReplicaWhenThePrimaryDoesNotAnswer()
    {
        final KvsGetRequest unanswered = get();
        assertEquals("get " + replicas[0] + " " + unanswered.correlationId, last());
        assertEquals(1, f.pastDeadline());
        assertEquals(ErrorCode.TIMEOUT, failure(unanswered.future));

        final KvsGetRequest next = get();
        assertEquals("get " + replicas[1] + " " + next.correlationId, last(), "the next replica takes the key");
        assertTrue(f.requests.onGetResponse(next.correlationId, ErrorCode.NONE));
        f.requests.onGetComplete(next.correlationId);
        assertEquals(null, value(next.future));

        assertFalse(f.requests.onGetResponse(unanswered.correlationId, ErrorCode.NONE), "the primary's late answer");
        assertEquals(1, f.lateAnswers(), "is dropped and counted");

        f.advance(SUSPECT_NS);
        final KvsPutRequest later = put();
        assertEquals("put " + replicas[0] + " " + later.correlationId, last(), "the primary is tried again later");
    }

    @Test
    void aPrimaryWhoseLinkStaysDownUntilTheDeadlineIsPassedOver()
    {
        f.publisher.refuse(SendStatus.NOT_CONNECTED, 1_000);
        final KvsPutRequest put = put();
        f.pastDeadline();
        assertEquals(ErrorCode.NOT_CONNECTED, failure(put.future));
        f.publisher.statuses.clear();

        final KvsPutRequest next = put();
        assertEquals("put " + replicas[1] + " " + next.correlationId, last());
    }

    @Test
    void aRequestWithoutStorageNodesFailsNoResources()
    {
        final RequestsFixture bare = new RequestsFixture();
        final KvsGetRequest get = bare.send(new KvsGetRequest(bare.nextId(), bare.deadline(), key));
        assertEquals(ErrorCode.NO_RESOURCES, failure(get.future));
        assertEquals(List.of(), bare.publisher.sent);
    }
}
