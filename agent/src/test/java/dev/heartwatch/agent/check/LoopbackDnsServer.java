package dev.heartwatch.agent.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small DNS server on a loopback UDP port, for the dns check's tests. What it answers depends
 * on the first label of the name asked (RFC 1035 §4.1 message format):
 *
 * <ul>
 *   <li>{@code good}: NOERROR with one A record, 127.0.0.10;
 *   <li>{@code nx}: NXDOMAIN; {@code servfail}: SERVFAIL;
 *   <li>{@code malformed}: the right id, an answer count of 3 and no answer bytes;
 *       {@code truncated}: the A record's data cut short; {@code loop}: the answer's name a
 *       compression pointer to itself;
 *   <li>{@code wrongid}: a good answer with another id; {@code wrongq}: the right id, a good
 *       answer for another question; then nothing;
 *   <li>{@code silent}: nothing at all.
 * </ul>
 */
final class LoopbackDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    final List<String> asked = new CopyOnWriteArrayList<>();

    LoopbackDnsServer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] reply = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                // closed, or a query we cannot read: nothing to answer
            }
        }
    }

    private byte[] answer(byte[] q) {
        int id = ((q[0] & 0xff) << 8) | (q[1] & 0xff);
        int end = 12;
        while (q[end] != 0) {
            end += (q[end] & 0xff) + 1;
        }
        byte[] question = java.util.Arrays.copyOfRange(q, 12, end + 5); // name, type, class
        String first = new String(q, 13, q[12] & 0xff, StandardCharsets.US_ASCII);
        asked.add(first);
        return switch (first) {
            case "good" -> message(id, 0, question, true);
            case "nx" -> message(id, 3, question, false);
            case "servfail" -> message(id, 2, question, false);
            case "malformed" -> {
                byte[] m = message(id, 0, question, false);
                m[7] = 3; // three answers announced, none there
                yield m;
            }
            case "truncated" -> {
                byte[] m = message(id, 0, question, true);
                yield java.util.Arrays.copyOf(m, m.length - 2); // the A record's data cut short
            }
            case "loop" -> {
                byte[] m = message(id, 0, question, true);
                int at = 12 + question.length; // the answer's name: a compression pointer to itself
                m[at] = (byte) (0xc0 | (at >> 8));
                m[at + 1] = (byte) at;
                yield m;
            }
            case "wrongid" -> message((id + 1) & 0xffff, 0, question, true);
            case "wrongq" -> message(id, 0, name("other.test"), true);
            default -> null; // silent
        };
    }

    /** A response: header, the question, and optionally an A record pointing at the question's name. */
    private static byte[] message(int id, int rcode, byte[] question, boolean withAnswer) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(id >> 8);
        m.write(id);
        m.write(0x81); // QR, RD
        m.write(0x80 | rcode); // RA, rcode
        m.writeBytes(new byte[] {0, 1, 0, (byte) (withAnswer ? 1 : 0), 0, 0, 0, 0});
        m.writeBytes(question);
        if (withAnswer) {
            m.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 10});
        }
        return m.toByteArray();
    }

    /** A question section for {@code name}, type A, class IN. */
    private static byte[] name(String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return b.toByteArray();
    }

    @Override
    public void close() {
        socket.close();
    }
}
