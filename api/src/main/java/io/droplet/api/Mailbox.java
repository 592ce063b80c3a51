package io.droplet.api;

import org.agrona.DirectBuffer;

/**
 * Messages between running functions (Cloudburst's {@code send}/{@code recv}): every executor has a
 * mailbox, addressed by the executor's node id. A function learns its own {@link #address()} and passes
 * it on (as a result, an argument, or a KVS value); another function sends bytes to that address; the
 * messages wait, in arrival order, in the receiving executor's mailbox until a function running there
 * takes them with {@link #receive}.
 * <p>
 * Delivery is best effort and at most once, like a datagram: a message to an executor that died, or to
 * a mailbox that is full, is dropped and counted; nothing is acknowledged. {@link #receive} never
 * waits for a message: a short function runs on the executor's agent thread, where waiting would stall
 * every role of the node. A function that must wait for a message returns and is called again (for
 * example periodically).
 * <p>
 * <b>Note:</b> valid only during {@link DropletFunction#apply}, on the thread that runs the function (a
 * function on the worker pool has its sends and takes done for it by the executor's agent thread).
 */
public interface Mailbox
{
    /**
     * Told of each message taken from the mailbox.
     */
    @FunctionalInterface
    interface MessageHandler
    {
        /**
         * @param from    address of the sender's executor.
         * @param buffer  holding the payload; valid only during the call.
         * @param offset  of the payload.
         * @param length  of the payload.
         */
        void onMessage(long from, DirectBuffer buffer, int offset, int length);
    }

    /**
     * @return the address of this executor's mailbox, to give to senders.
     */
    long address();

    /**
     * Sends bytes to a mailbox: this executor's own is written at once; another executor's gets them as
     * one message over the transport.
     *
     * @param to      address of the receiving mailbox.
     * @param payload buffer holding the message.
     * @param offset  of the message.
     * @param length  of the message.
     * @return true if the message was handed to the transport (or to this executor's own mailbox); false
     * if the address is unknown here, the message is too large, or the link refused it.
     */
    boolean send(long to, DirectBuffer payload, int offset, int length);

    /**
     * Takes messages that have arrived, oldest first, without waiting.
     *
     * @param handler told of each message.
     * @param limit   of messages to take.
     * @return messages taken (0 if none had arrived).
     */
    int receive(MessageHandler handler, int limit);
}
