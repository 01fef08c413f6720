package dev.heartwatch.agent.log;

import dev.heartwatch.common.SecretRedactor;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

/**
 * The agent's only output. Quiet by default: state changes and start-up; every
 * beat only with {@code --verbose}. Every line passes the {@link SecretRedactor} and
 * loses its control characters, so neither a key nor a forged line gets out.
 */
public final class AgentLog {
    private final PrintStream out;
    private final SecretRedactor redactor;
    private final Clock clock;
    private final boolean verbose;

    public AgentLog(PrintStream out, SecretRedactor redactor, Clock clock, boolean verbose) {
        this.out = out;
        this.redactor = redactor;
        this.clock = clock;
        this.verbose = verbose;
    }

    /** A state change, start-up or a problem: always printed. */
    public void event(String message) {
        print(message);
    }

    /** Whether {@link #beat} prints: callers skip building a line nobody reads. */
    public boolean verbose() {
        return verbose;
    }

    /** One routine beat: printed only with --verbose. */
    public void beat(String message) {
        if (verbose) {
            print(message);
        }
    }

    private void print(String message) {
        String clean = oneLine(redactor.redact(message));
        synchronized (out) {
            out.println(Instant.ofEpochMilli(clock.millis()) + " " + clean);
            out.flush();
        }
    }

    public static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
            b.append(control ? ' ' : c);
        }
        return b.toString();
    }
}
