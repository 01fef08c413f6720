package dev.heartwatch.agent;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Checks that the server's certificate was issued for the host the agent connects to
 * (RFC 6125 §6, as RFC 9110 §4.3.4 asks of HTTPS), after the JDK has validated the chain and
 * before the request (and its key) is sent.
 *
 * <p>Why not the JDK's own check ({@code setEndpointIdentificationAlgorithm("HTTPS")})? To
 * apply one rule about wildcards it parses the JDK's whole bundled {@code cacerts} at the first
 * handshake, about 0.03 CPU s of an agent's 0.15 s start (docs/agent.md). This check keeps
 * RFC 6125 §6.4: only subjectAltName entries count, never the subject's CN; a wildcard only as
 * the whole left-most label, standing for exactly one label, and never directly under a
 * top-level domain; IP addresses only against IP entries. The rule it leaves out is that one
 * of the JDK's: no wildcard directly under a public suffix, which public CAs may not issue.
 */
final class PeerHostname {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private PeerHostname() {
    }

    static void verify(String host, X509Certificate certificate) throws SSLPeerUnverifiedException {
        List<List<?>> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                names.addAll(sans);
            }
        } catch (CertificateParsingException e) {
            throw new SSLPeerUnverifiedException("the server's certificate has unreadable subject alternative names");
        }
        if (!matches(host, names)) {
            throw new SSLPeerUnverifiedException("the server's certificate was not issued for " + host);
        }
    }

    /** @param names subjectAltName entries as {@link X509Certificate#getSubjectAlternativeNames()} gives them */
    static boolean matches(String host, Collection<List<?>> names) {
        byte[] ip = ipLiteral(host);
        String dns = ip == null ? normalise(host) : null;
        for (List<?> entry : names) {
            if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                continue;
            }
            if (ip != null && type == IP_ADDRESS && java.util.Arrays.equals(ip, ipLiteral(value))) {
                return true;
            }
            if (dns != null && type == DNS_NAME && dnsMatches(dns, normalise(value))) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String host, String pattern) {
        if (pattern == null || host == null || pattern.isEmpty()) {
            return false;
        }
        if (!pattern.startsWith("*.")) {
            return pattern.indexOf('*') < 0 && pattern.equals(host);
        }
        String parent = pattern.substring(2);
        // "*.example.com" names one label under example.com; "*.com" would name too much.
        if (parent.indexOf('*') >= 0 || parent.indexOf('.') < 0) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equals(parent);
    }

    /** Lower-case ASCII (IDN A-labels), without a trailing dot; null when it is not a host name. */
    private static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.chars().allMatch(c -> c < 0x80)) {
            return n.toLowerCase(Locale.ROOT); // the usual case, without loading IDN's tables
        }
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address an IPv4 or IPv6 literal names, or null for a host name; never a DNS lookup. */
    static byte[] ipLiteral(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v6 = t.indexOf(':') >= 0;
        boolean v4 = !v6 && !t.isEmpty() && t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
                && t.chars().filter(c -> c == '.').count() == 3;
        if (!v4 && !(v6 && t.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0))) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
