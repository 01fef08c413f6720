package dev.heartwatch.agent.send;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** Names the network-level cause of an exception from the HTTP client. */
final class FailureCauses {
    /** How far the request got: a timeout while connecting is not a timeout while reading. */
    enum Phase { CONNECT, EXCHANGE }

    private FailureCauses() {
    }

    static Cause classify(IOException e, Phase phase, boolean deadlinePassed) {
        if (e instanceof UnknownHostException) {
            return Cause.DNS; // also a lookup still unanswered at the deadline (BoundedResolver)
        }
        if (deadlinePassed) {
            return phase == Phase.CONNECT ? Cause.CONNECT_TIMEOUT : Cause.READ_TIMEOUT;
        }
        if (e instanceof SocketTimeoutException) {
            return phase == Phase.CONNECT ? Cause.CONNECT_TIMEOUT : Cause.READ_TIMEOUT;
        }
        Throwable reset = find(e, SocketException.class);
        if (reset != null && isReset(reset.getMessage())) {
            return Cause.RESET;
        }
        if (e instanceof SSLException) {
            return Cause.TLS;
        }
        if (e instanceof ConnectException) {
            String m = lower(e.getMessage());
            if (m.contains("refused")) {
                return Cause.REFUSED;
            }
            if (m.contains("timed out")) {
                return Cause.CONNECT_TIMEOUT;
            }
            return Cause.UNKNOWN; // e.g. "Network is unreachable": the gateway probe says more
        }
        if (e instanceof NoRouteToHostException) {
            return Cause.UNKNOWN;
        }
        if (e instanceof EOFException || lower(e.getMessage()).contains("unexpected end of file")) {
            return Cause.RESET; // the server closed the connection without an answer
        }
        if (lower(e.getMessage()).contains("error writing to server")) {
            // HttpURLConnection writes the request through a PrintStream, which swallows the
            // SocketException of a reset peer and leaves only this message, without a cause.
            return Cause.RESET;
        }
        return Cause.UNKNOWN;
    }

    /** What happened, in words, for the outage's detail (the caller redacts it). */
    static String describe(Cause cause, IOException e, Endpoint endpoint) {
        if (e instanceof ProxyRefusedException) {
            return e.getMessage() + " (" + endpoint.label() + ")";
        }
        if (e instanceof java.net.ProtocolException) {
            return "malformed HTTP answer (" + endpoint.label() + "): " + e.getMessage();
        }
        String what = switch (cause) {
            case DNS -> "host name not resolved";
            case REFUSED -> "connection refused";
            case CONNECT_TIMEOUT -> "no connection within the timeout";
            case TLS -> "TLS handshake failed";
            case READ_TIMEOUT -> "no complete answer within the timeout";
            case RESET -> "connection reset";
            default -> "network error";
        };
        String msg = e.getMessage() == null ? "" : ": " + e.getMessage();
        return what + " (" + endpoint.label() + ") " + e.getClass().getSimpleName() + msg;
    }

    private static boolean isReset(String message) {
        String m = lower(message);
        return m.contains("reset") || m.contains("broken pipe");
    }

    private static Throwable find(Throwable t, Class<?> type) {
        for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(java.util.Locale.ROOT);
    }
}
