package dev.heartwatch.agent.cause;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Probes the gateway with a TCP connect (no ICMP without privileges). A connection
 * or a refusal both mean the gateway is there: a refusal is its TCP stack answering.
 * Only silence (timeout, unreachable) means the home network itself is down.
 */
public final class TcpGatewayProber implements GatewayProber {
    private final int port;
    private final int timeoutMs;

    public TcpGatewayProber(int port, Duration timeout) {
        this.port = port;
        this.timeoutMs = (int) Math.max(1, timeout.toMillis());
    }

    @Override
    public boolean answers(InetAddress gateway) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(gateway, port), timeoutMs);
            return true;
        } catch (ConnectException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            return m.contains("refused");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
