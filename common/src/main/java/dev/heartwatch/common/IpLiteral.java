package dev.heartwatch.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 and IPv6 address literals, parsed without ever asking a resolver: a string is handed to
 * {@link InetAddress} only once its characters show it is a literal, so a host name never
 * triggers a DNS lookup here. IPv4 is the strict dotted quad (four decimal parts, 0-255, no
 * leading zeros, which some parsers read as octal); IPv6 as RFC 4291 §2.2 writes it, an
 * embedded IPv4 tail included, optionally in brackets. No zone ({@code %eth0}): callers that
 * accept one strip it first.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** The address {@code text} names, or null when it is not an address literal. */
    public static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.length() > 1 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1) : text;
        if (t.isEmpty() || t.length() > 45) {
            return null;
        }
        boolean v6 = t.indexOf(':') >= 0;
        if (v6 ? !ipv6Chars(t) : !dottedQuad(t)) {
            return null;
        }
        try {
            return InetAddress.getByName(t); // a literal: parsed, not resolved
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The address bytes (4 or 16; an IPv4-mapped IPv6 literal gives 4), or null. */
    public static byte[] bytes(String text) {
        InetAddress a = parse(text);
        return a == null ? null : a.getAddress();
    }

    /**
     * Whether {@code address} lies in {@code block}: an address literal (matches itself) or
     * {@code literal/prefix} (CIDR, RFC 4632). A block of the other family, or one that does not
     * parse, matches nothing.
     */
    public static boolean inBlock(byte[] address, String block) {
        if (address == null || block == null) {
            return false;
        }
        int slash = block.indexOf('/');
        byte[] base = bytes(slash < 0 ? block : block.substring(0, slash));
        if (base == null || base.length != address.length) {
            return false;
        }
        int bits = base.length * 8;
        if (slash >= 0) {
            String prefix = block.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !digits(prefix)) {
                return false;
            }
            bits = Integer.parseInt(prefix);
            if (bits > base.length * 8) {
                return false;
            }
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((address[i / 8] & mask) != (base[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean dottedQuad(String t) {
        int parts = 0;
        int at = 0;
        while (at <= t.length()) {
            int dot = t.indexOf('.', at);
            int end = dot < 0 ? t.length() : dot;
            String part = t.substring(at, end);
            if (part.isEmpty() || part.length() > 3 || !digits(part) || (part.length() > 1 && part.charAt(0) == '0')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
            parts++;
            if (dot < 0) {
                break;
            }
            at = dot + 1;
        }
        return parts == 4;
    }

    private static boolean ipv6Chars(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        int dot = t.indexOf('.');
        return dot < 0 || dottedQuad(t.substring(t.lastIndexOf(':') + 1));
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
