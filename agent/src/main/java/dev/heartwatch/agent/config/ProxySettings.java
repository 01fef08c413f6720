package dev.heartwatch.agent.config;

import dev.heartwatch.common.IpLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which proxy, if any, a heartbeat goes through: {@code https_proxy} for HTTPS endpoints,
 * {@code http_proxy} for plain-HTTP ones, except for hosts {@code no_proxy} lists. As curl and
 * Python's {@code requests} read them: a {@code no_proxy} entry names a host and every host
 * under it ({@code example.com} and {@code .example.com} both match {@code a.example.com}),
 * {@code *} means no proxy at all, an IP address matches itself and an IPv4 {@code a.b.c.d/n}
 * a block. Names are compared as written, never resolved.
 */
public record ProxySettings(ProxyUrl https, ProxyUrl http, List<String> noProxy) {
    public static final ProxySettings NONE = new ProxySettings(null, null, List.of());

    public static ProxySettings of(ProxyUrl https, ProxyUrl http, String noProxy) {
        List<String> entries = new ArrayList<>();
        if (noProxy != null) {
            for (String e : noProxy.split("[,\\s]+")) {
                String t = e.strip().toLowerCase(Locale.ROOT);
                if (t.startsWith("*.")) {
                    t = t.substring(1);
                }
                if (t.startsWith(".")) {
                    t = t.substring(1);
                }
                if (t.endsWith(".")) {
                    t = t.substring(0, t.length() - 1);
                }
                if (!t.isEmpty()) {
                    entries.add(t);
                }
            }
        }
        return new ProxySettings(https, http, List.copyOf(entries));
    }

    /** The proxy for a request to {@code host}, or null to connect directly. */
    public ProxyUrl forTarget(boolean httpsTarget, String host) {
        return forTarget(httpsTarget, host, -1);
    }

    /**
     * The same, for a known port: an entry with a port ({@code host:8080}, {@code [::1]:8080}),
     * as {@code requests} accepts, only exempts that port.
     */
    public ProxyUrl forTarget(boolean httpsTarget, String host, int port) {
        ProxyUrl p = httpsTarget ? https : http;
        if (p == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        byte[] ip = IpLiteral.bytes(h);
        for (String written : noProxy) {
            String entry = written;
            int colon = entry.lastIndexOf(':');
            boolean bracketed = entry.startsWith("[");
            if (colon > 0 && (bracketed ? entry.charAt(colon - 1) == ']' : entry.indexOf(':') == colon)) {
                if (!entry.substring(colon + 1).equals(Integer.toString(port))) {
                    continue; // another port's exception
                }
                entry = entry.substring(0, colon);
            }
            if (entry.startsWith("[") && entry.endsWith("]")) {
                entry = entry.substring(1, entry.length() - 1);
            }
            if (entry.equals("*") || entry.equals(h)) {
                return null;
            }
            if (ip == null && h.endsWith("." + entry)) {
                return null;
            }
            if (ip != null && IpLiteral.inBlock(ip, entry)) {
                return null;
            }
        }
        return p;
    }
}
