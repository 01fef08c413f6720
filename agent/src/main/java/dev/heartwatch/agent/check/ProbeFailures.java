package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** The cause of a failed connection-level probe step, from the JDK's exception. */
final class ProbeFailures {
    private ProbeFailures() {
    }

    static ProbeResult of(IOException e, Deadline deadline, String target) {
        Cause cause;
        if (e instanceof UnknownHostException) {
            cause = Cause.DNS;
        } else if (e instanceof SocketTimeoutException || deadline.passed()) {
            cause = Cause.TIMEOUT;
        } else if (e instanceof ConnectException) {
            cause = Cause.REFUSED;
        } else if (e instanceof NoRouteToHostException || e instanceof PortUnreachableException) {
            cause = Cause.UNREACHABLE;
        } else if (e instanceof SSLException) {
            cause = Cause.TLS;
        } else if (e instanceof SocketException && String.valueOf(e.getMessage()).contains("reset")) {
            cause = Cause.RESET;
        } else {
            cause = Cause.UNKNOWN;
        }
        String why = cause == Cause.TIMEOUT ? "no answer within the timeout"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return ProbeResult.fail(cause, target + ": " + why);
    }
}
