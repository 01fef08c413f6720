package dev.heartwatch.core.contract;

import dev.heartwatch.common.IpLiteral;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client address of contract §5: {@code X-Client-IP} (set by the platform), else the last
 * hop of {@code X-Forwarded-For}; parsed strictly, port and zone removed, canonical form. Never
 * resolves a name: only literals reach {@link InetAddress}.
 */
public final class ClientAddress {
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private ClientAddress() {
    }

    /** Picks and parses the address from the two headers (either may be null). */
    public static Optional<String> fromHeaders(String xClientIp, String xForwardedFor) {
        if (xClientIp != null && !xClientIp.isBlank()) {
            return parse(xClientIp);
        }
        if (xForwardedFor != null && !xForwardedFor.isBlank()) {
            String[] hops = xForwardedFor.split(",", -1);
            return parse(hops[hops.length - 1]);
        }
        return Optional.empty();
    }

    /** One address, optionally with a port; anything else is empty. */
    public static Optional<String> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        // Only blanks around the value are tolerated; any other character makes it invalid.
        String v = stripBlanks(value);
        if (v.isEmpty() || v.length() > 64) {
            return Optional.empty();
        }
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = v.substring(close + 1);
            if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
                return Optional.empty();
            }
            return ipv6(v.substring(1, close));
        }
        int colons = (int) v.chars().filter(c -> c == ':').count();
        if (colons == 0) {
            return ipv4(v);
        }
        if (colons == 1) {
            int at = v.indexOf(':');
            if (!PORT.matcher(v.substring(at + 1)).matches()) {
                return Optional.empty();
            }
            return ipv4(v.substring(0, at));
        }
        return ipv6(v);
    }

    private static Optional<String> ipv4(String v) {
        InetAddress a = v.indexOf(':') < 0 ? IpLiteral.parse(v) : null;
        return a != null ? Optional.of(v) : Optional.empty();
    }

    private static Optional<String> ipv6(String v) {
        int zone = v.indexOf('%');
        String literal = zone >= 0 ? v.substring(0, zone) : v;
        if (literal.indexOf(':') < 0) {
            return Optional.empty();
        }
        InetAddress address = IpLiteral.parse(literal); // a literal only: never a lookup
        if (address == null) {
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            return Optional.of(compress(address.getHostAddress()));
        }
        return Optional.of(address.getHostAddress()); // IPv4-mapped forms come back as IPv4
    }

    /** RFC 5952 form: lower case, longest run of zero groups (two or more) as "::". */
    static String compress(String full) {
        String[] groups = full.split(":");
        for (int i = 0; i < groups.length; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "").toLowerCase();
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }

    /** The value without the spaces and tabs around it (a regex here cost a compile per request). */
    private static String stripBlanks(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isBlank(value.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
