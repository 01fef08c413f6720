package dev.heartwatch.agent.send;

import dev.heartwatch.agent.config.ProxyUrl;
import java.io.IOException;

/** The proxy answered {@code CONNECT} with something other than 2xx: no tunnel, no beat. */
final class ProxyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    /** How the JDK's client says it (sun.net.www.protocol.http.HttpURLConnection, doTunneling). */
    private static final String JDK_TUNNEL_REFUSED = "Unable to tunnel through proxy";

    ProxyRefusedException(ProxyUrl proxy, String status) {
        super("proxy " + proxy.label + " answered CONNECT with HTTP " + status
                + (status.equals("407") ? " (it wants credentials: user:password@ in the proxy URL)" : ""));
    }

    /** The JDK's refused-tunnel exception as the proxy's refusal; any other exception as it is. */
    static IOException from(IOException e, ProxyUrl proxy) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(JDK_TUNNEL_REFUSED)) {
            return e;
        }
        int http = m.indexOf("HTTP/");
        int space = http < 0 ? -1 : m.indexOf(' ', http);
        String status = space < 0 || space + 4 > m.length() ? "?" : m.substring(space + 1, space + 4);
        return new ProxyRefusedException(proxy, status.chars().allMatch(Character::isDigit) ? status : "?");
    }
}
