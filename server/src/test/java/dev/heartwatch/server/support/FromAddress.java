package dev.heartwatch.server.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request sent from a chosen loopback source address (127.0.0.2, ...), so a test
 * can play several clients on one machine; the JDK's HttpClient cannot choose its source.
 */
public final class FromAddress {
    private FromAddress() {
    }

    /** Sends {@code GET pathAndQuery} from {@code source} to {@code base}; returns the status code. */
    public static int get(String source, URI base, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            // "HTTP/1.1 200 OK" -> 200
            return Integer.parseInt(head.substring(9, 12));
        }
    }
}
