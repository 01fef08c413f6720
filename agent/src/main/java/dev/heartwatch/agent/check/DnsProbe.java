package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Cause;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * {@code dns SERVER NAME TYPE [expect VALUE]}: one query to that server, never the system
 * resolver, through the JDK's JNDI DNS provider ({@code dns://SERVER:PORT/}; the JDK's "JNDI DNS
 * Service Provider" page documents the URL and the {@code com.sun.jndi.dns.timeout.*}
 * properties). The answer must be NOERROR with at least one record of TYPE (and, with
 * {@code expect}, one equal to VALUE). The provider matches an answer to its query by id and
 * ignores one that does not match, waiting on to the timeout (tested against a loopback server);
 * an answer it cannot parse is a failure, never a crash.
 */
final class DnsProbe implements Probe {
    private static final String TIMEOUT = "com.sun.jndi.dns.timeout.initial";
    static final List<String> TYPES = List.of("A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT");

    private final String server;
    private final int port;
    private final String name;
    private final String type;
    private final String expect;

    DnsProbe(String server, int port, String name, String type, String expect) {
        this.server = server;
        this.port = port;
        this.name = name;
        this.type = type;
        this.expect = expect == null ? null : normal(expect);
    }

    /**
     * The provider's context, kept between runs (one run of a check at a time): building one
     * (the provider's factory, its URL, its resolver) is most of a run's CPU. A failure drops it.
     */
    private DirContext ctx;
    private String ctxTimeout;

    @Override
    public ProbeResult run(Deadline deadline) {
        // One try, for the whole time left (the provider's default is 1 s doubled over 4 retries).
        String timeout = Integer.toString(deadline.millisLeft());
        boolean keep = false;
        try {
            if (ctx == null) {
                Hashtable<String, Object> env = new Hashtable<>();
                env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
                env.put(Context.PROVIDER_URL, "dns://" + HostPort.text(server, port) + "/");
                env.put(TIMEOUT, timeout);
                env.put("com.sun.jndi.dns.timeout.retries", "1");
                ctx = new InitialDirContext(env);
            } else if (!timeout.equals(ctxTimeout)) {
                ctx.addToEnvironment(TIMEOUT, timeout);
            }
            ctxTimeout = timeout;
            keep = true;
            Attributes answer = ctx.getAttributes(name, new String[] {type});
            List<String> values = values(answer.get(type));
            if (values.isEmpty()) {
                return ProbeResult.fail(Cause.UNEXPECTED_ANSWER, describe() + ": no " + type + " record");
            }
            if (expect != null && values.stream().noneMatch(v -> normal(v).equals(expect))) {
                return ProbeResult.fail(Cause.UNEXPECTED_ANSWER, describe() + ": answered " + shown(values)
                        + ", expected " + expect);
            }
            return ProbeResult.pass(type + " " + shown(values));
        } catch (NameNotFoundException e) {
            return ProbeResult.fail(Cause.NXDOMAIN, describe() + ": NXDOMAIN");
        } catch (ServiceUnavailableException e) {
            keep = false;
            return ProbeResult.fail(Cause.DNS_ERROR, describe() + ": " + message(e, "server failure"));
        } catch (CommunicationException e) {
            keep = false;
            if (deadline.passed() || e.getRootCause() instanceof java.net.SocketTimeoutException) {
                return ProbeResult.fail(Cause.TIMEOUT, describe() + ": no answer within the timeout");
            }
            return ProbeResult.fail(Cause.DNS_ERROR, describe() + ": " + message(e, "communication error"));
        } catch (NamingException e) {
            keep = false;
            // A malformed answer, an error code the provider names ("Format error", "Refused")...
            return ProbeResult.fail(Cause.DNS_ERROR, describe() + ": " + message(e, e.getClass().getSimpleName()));
        } catch (RuntimeException e) {
            keep = false;
            // The provider's parser on a hostile answer: a failed check, never a dead agent.
            return ProbeResult.fail(Cause.DNS_ERROR, describe() + ": unreadable answer (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (!keep) {
                close();
            }
        }
    }

    @Override
    public void close() {
        if (ctx != null) {
            try {
                ctx.close();
            } catch (NamingException e) {
                // nothing held open
            }
            ctx = null;
        }
    }

    private static List<String> values(Attribute a) throws NamingException {
        List<String> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        NamingEnumeration<?> all = a.getAll();
        while (all.hasMore()) {
            out.add(String.valueOf(all.next()));
        }
        return out;
    }

    /** Compared without case, a final dot or TXT's quotes. */
    static String normal(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String shown(List<String> values) {
        String s = String.join(", ", values);
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private static String message(NamingException e, String fallback) {
        String m = e.getExplanation();
        return m == null || m.isBlank() ? fallback : m;
    }

    private String describe() {
        return "dns " + target();
    }

    @Override
    public String target() {
        return HostPort.text(server, port) + " " + name + " " + type;
    }
}
