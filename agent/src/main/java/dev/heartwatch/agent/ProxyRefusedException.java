package dev.heartwatch.agent;

import java.io.IOException;

/** The proxy answered {@code CONNECT} with something other than 2xx: no tunnel, no beat. */
final class ProxyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    ProxyRefusedException(HttpProxy proxy, int status) {
        super("proxy " + proxy.label + " answered CONNECT with HTTP " + status
                + (status == 407 ? " (it wants credentials: user:password@ in the proxy URL)" : ""));
    }
}
