package dev.heartwatch.agent.check;

/** {@code HOST:PORT} as a check line writes it: a name, an IPv4 address, or {@code [IPv6]}. */
record HostPort(String host, int port) {
    static HostPort parse(String text, String what) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(what + " must be HOST:PORT, not \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(what + ": an IPv6 address goes in brackets, [::1]:PORT");
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new IllegalArgumentException(what + ": \"" + host + "\" is not a host name or address");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + ": the port must be 1-65535, not \"" + text.substring(colon + 1) + "\"");
        }
        return new HostPort(host, port);
    }

    static String text(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
