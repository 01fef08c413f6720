package dev.heartwatch.agent.check;

import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.config.ConfigException;
import dev.heartwatch.agent.send.BoundedResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import dev.heartwatch.common.DeviceIdRule;

/**
 * Parses one check line (docs/checks.md):
 *
 * <pre>
 *   icmp HOST
 *   tcp  HOST:PORT
 *   http URL [status 2xx,3xx] [body TEXT] [ca FILE.pem]
 *   dns  SERVER[:PORT] NAME TYPE [expect VALUE]
 *   tls  HOST:PORT min-days N [ca FILE.pem]
 *   ... and for every kind: [every PT1M] [retries N] [timeout PT5S] [grace PT1M]
 * </pre>
 *
 * Words are separated by spaces; a value with spaces goes in double quotes. Anything wrong is a
 * {@link ConfigException} naming the line and what is wrong, so the agent stops at start.
 */
public final class CheckLine {
    private static final Duration SHORTEST = Duration.ofMillis(10);
    private static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(1);
    private static final int MAX_RETRIES = 100;
    private static final Set<String> COMMON = Set.of("every", "retries", "timeout", "grace");

    /** What a line does not say: the agent's device, interval and timeout, and how probes run. */
    public record Defaults(String agentDevice, Duration agentInterval, Duration agentTimeout, Clock clock,
                           String version, BoundedResolver resolver, List<String> pingCommand) {
    }

    private CheckLine() {
    }

    public static Check parse(CheckDefinition def, Defaults d) throws ConfigException {
        try {
            return parse(def.name(), tokens(def.text()), d, def.where());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(def.where() + ": " + e.getMessage());
        }
    }

    private static Check parse(String rawName, List<String> t, Defaults d, String where) {
        if (!rawName.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a check's name is letters, digits, '.', '_' and '-' (at most 64), not \""
                    + shorten(rawName) + "\"");
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no check kind (icmp, tcp, http, dns or tls)");
        }
        String kind = t.get(0).toLowerCase(Locale.ROOT);
        int positional = switch (kind) {
            case "icmp", "tcp", "http" -> 1;
            case "tls" -> 1;
            case "dns" -> 3;
            default -> throw new IllegalArgumentException("unknown check kind \"" + shorten(t.get(0))
                    + "\" (icmp, tcp, http, dns or tls)");
        };
        if (t.size() < 1 + positional) {
            throw new IllegalArgumentException(kind + " needs " + usage(kind));
        }
        List<String> args = t.subList(1, 1 + positional);
        Map<String, String> options = options(kind, t.subList(1 + positional, t.size()));

        Duration every = duration(options.get("every"), d.agentInterval(), "every");
        int retries = options.containsKey("retries") ? integer(options.get("retries"), 1, MAX_RETRIES, "retries") : 1;
        Duration timeout = options.containsKey("timeout") ? duration(options.get("timeout"), null, "timeout")
                : min(d.agentTimeout(), every.dividedBy(2));
        if (timeout.compareTo(every) >= 0) {
            throw new IllegalArgumentException("timeout " + timeout + " must be shorter than every " + every);
        }
        if (timeout.compareTo(LONGEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be at most " + LONGEST_TIMEOUT);
        }
        Duration period = every.compareTo(d.agentInterval()) < 0 ? d.agentInterval() : every;
        Duration grace = options.containsKey("grace") ? nonNegative(options.get("grace")) : period;

        Probe probe = switch (kind) {
            case "icmp" -> new IcmpProbe(host(args.get(0), "icmp's HOST"), d.pingCommand(), every);
            case "tcp" -> {
                HostPort hp = HostPort.parse(args.get(0), "tcp's HOST:PORT");
                yield new TcpProbe(hp.host(), hp.port(), d.resolver());
            }
            case "http" -> new HttpProbe(url(args.get(0)),
                    options.containsKey("status") ? StatusSet.parse(options.get("status")) : StatusSet.DEFAULT,
                    options.get("body"), tls(options.get("ca")), d.resolver(), d.version());
            case "tls" -> {
                HostPort hp = HostPort.parse(args.get(0), "tls's HOST:PORT");
                if (!options.containsKey("min-days")) {
                    throw new IllegalArgumentException("tls needs min-days N: " + usage(kind));
                }
                yield new TlsProbe(hp.host(), hp.port(), integer(options.get("min-days"), 0, 3650, "min-days"),
                        tls(options.get("ca")), d.resolver(), d.clock());
            }
            default -> {
                String server = args.get(0);
                // 10.0.0.1, 10.0.0.1:5353, ns1.example.net:53, [::1]:5353, or a bare ::1 (port 53)
                boolean withPort = server.startsWith("[") || server.indexOf(':') >= 0 && server.indexOf(':') == server.lastIndexOf(':');
                HostPort hp = withPort ? HostPort.parse(server, "dns's SERVER[:PORT]") : new HostPort(host(server, "dns's SERVER"), 53);
                String type = args.get(2).toUpperCase(Locale.ROOT);
                if (!DnsProbe.TYPES.contains(type)) {
                    throw new IllegalArgumentException("dns TYPE must be one of " + DnsProbe.TYPES + ", not \"" + shorten(args.get(2)) + "\"");
                }
                yield new DnsProbe(hp.host(), hp.port(), dnsName(args.get(1)), type, options.get("expect"));
            }
        };
        String device = DeviceIdRule.normalize(d.agentDevice() + "." + rawName);
        return new Check(rawName, device, where, probe, every, retries, timeout, period, grace);
    }

    private static String usage(String kind) {
        return switch (kind) {
            case "icmp" -> "icmp HOST";
            case "tcp" -> "tcp HOST:PORT";
            case "http" -> "http URL [status 2xx,3xx] [body TEXT] [ca FILE.pem]";
            case "tls" -> "tls HOST:PORT min-days N [ca FILE.pem]";
            default -> "dns SERVER[:PORT] NAME TYPE [expect VALUE]";
        };
    }

    private static Map<String, String> options(String kind, List<String> words) {
        Set<String> own = switch (kind) {
            case "http" -> Set.of("status", "body", "ca");
            case "tls" -> Set.of("min-days", "ca");
            case "dns" -> Set.of("expect");
            default -> Set.of();
        };
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < words.size(); i += 2) {
            String name = words.get(i).toLowerCase(Locale.ROOT);
            if (!COMMON.contains(name) && !own.contains(name)) {
                throw new IllegalArgumentException("unknown option \"" + shorten(words.get(i)) + "\" for " + kind
                        + " (" + usage(kind) + " [every D] [retries N] [timeout D] [grace D])");
            }
            if (i + 1 >= words.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            if (out.put(name, words.get(i + 1)) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
        return out;
    }

    /** Splits on spaces; "double quotes" keep spaces, \" and \\ escape inside them. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    cur.append(line.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a double quote is not closed");
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    private static String host(String text, String what) {
        if (!text.matches("[A-Za-z0-9][A-Za-z0-9._:%-]{0,252}")) {
            throw new IllegalArgumentException(what + " must be a host name or an IP address, not \"" + shorten(text) + "\"");
        }
        return text;
    }

    private static String dnsName(String text) {
        if (!text.matches("[A-Za-z0-9_*][A-Za-z0-9._-]{0,252}")) {
            throw new IllegalArgumentException("dns NAME must be a domain name, not \"" + shorten(text) + "\"");
        }
        return text;
    }

    private static URI url(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("http URL is not a URL (" + e.getReason() + ")");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new IllegalArgumentException("http URL must be http://HOST/... or https://HOST/..., not " + HttpProbe.label(u));
        }
        return u;
    }

    /** The JDK's default trust, or only the certificates of a PEM file. */
    private static SSLSocketFactory tls(String caFile) {
        if (caFile == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new IllegalArgumentException("ca " + caFile + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("ca " + caFile + " cannot be read as PEM certificates ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static Duration duration(String text, Duration fallback, String what) {
        if (text == null) {
            return fallback;
        }
        Duration d;
        try {
            d = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be an ISO-8601 duration (PT1M, PT5S), not \"" + shorten(text) + "\"");
        }
        if (d.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + SHORTEST.toMillis() + " ms");
        }
        return d;
    }

    private static Duration nonNegative(String text) {
        try {
            Duration d = Duration.parse(text);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new IllegalArgumentException("grace must be an ISO-8601 duration of zero or more (PT1M), not \"" + shorten(text) + "\"");
    }

    private static int integer(String text, int min, int max, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(what + " must be a whole number from " + min + " to " + max + ", not \"" + shorten(text) + "\"");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A user's word in a message: short, and never a URL's credentials (the line may hold some). */
    private static String shorten(String s) {
        String t = s.contains("@") ? "[redacted]" : s;
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
