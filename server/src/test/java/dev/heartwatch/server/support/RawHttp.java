package dev.heartwatch.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand over a socket bound to a chosen loopback address (Linux routes all of
 * 127/8 to lo), for what the JDK's client cannot do: pick its source address (per-address caps,
 * a proxy's socket peer), send a request byte by byte, or show the exact bytes of an answer.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A connection from {@code localAddress} (a 127.x.x.x address) to the server on 127.0.0.1. */
    public static Socket connect(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** Sends {@code request} (which should say {@code Connection: close}) and reads the answer to the end. */
    public static String exchange(String localAddress, int port, String request) throws IOException {
        try (Socket socket = connect(localAddress, port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readAll(socket.getInputStream());
        }
    }

    /** Everything until the server closes (or nothing more comes for the socket's timeout). */
    public static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what arrived is the answer
        } catch (IOException e) {
            // a reset after the answer: what arrived is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of a raw answer, or -1 when there was none. */
    public static int status(String answer) {
        return answer.startsWith("HTTP/1.1 ") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
    }

    /** The body of a raw answer: what follows the blank line after the head. */
    public static String body(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        return end < 0 ? "" : answer.substring(end + 4);
    }

    /** A request head with {@code Host} and {@code Connection: close}, plus {@code extraHeaders} (each ending in CRLF). */
    public static String get(String method, String pathAndQuery, String extraHeaders) {
        return method + " " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extraHeaders + "\r\n";
    }
}
