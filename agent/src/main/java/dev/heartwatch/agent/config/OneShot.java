package dev.heartwatch.agent.config;

import dev.heartwatch.common.SecretRedactor;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * What one {@code --once} beat says about a run (contract v2, docs/contract.md): its {@code state}
 * ({@code running}, a success, by default; {@code start}; {@code fail}), an optional
 * {@code exitStatus} (0-255) and an optional {@code durationMs} (0 to 400 days). Per run, not
 * configuration: read from the flags and the process environment only, never from {@code .env},
 * which the beat loop shares (a {@code .env} saying fail would make every beat a failure), and
 * refused without {@code --once}, since the loop's beats always say {@code running}.
 *
 * @param exitStatus -1 when not given
 * @param durationMs -1 when not given
 */
public record OneShot(String state, int exitStatus, long durationMs) {

    public static final String RUNNING = "running";
    public static final String START = "start";
    public static final String FAIL = "fail";
    /** The contract's bound on {@code durationMs}. */
    public static final long MAX_DURATION_MS = Duration.ofDays(400).toMillis();

    /** A plain success: what {@code --once} sent before contract v2. */
    public static final OneShot SUCCESS = new OneShot(RUNNING, -1, -1);

    /** flag to variable; the table in docs/agent.md. */
    static final String[][] FLAGS = {
        {"--state", "HEARTBEAT_STATE"},
        {"--exit-status", "HEARTBEAT_EXIT_STATUS"},
        {"--duration-ms", "HEARTBEAT_DURATION_MS"},
        {"--duration", "HEARTBEAT_DURATION"},
    };

    static String variableFor(String flag) {
        for (String[] f : FLAGS) {
            if (f[0].equals(flag)) {
                return f[1];
            }
        }
        return null;
    }

    /** From the flags (variable name to value) over the process environment. */
    static OneShot from(Map<String, String> flags, Map<String, String> env, boolean once) throws ConfigException {
        String state = pick("HEARTBEAT_STATE", flags, env);
        String exit = pick("HEARTBEAT_EXIT_STATUS", flags, env);
        String durationMs = pick("HEARTBEAT_DURATION_MS", flags, env);
        String duration = pick("HEARTBEAT_DURATION", flags, env);
        if (state == null && exit == null && durationMs == null && duration == null) {
            return SUCCESS;
        }
        if (!once) {
            throw new ConfigException(firstGiven(flags, env)
                    + " describes one run: it needs --once (the beat loop always sends state running)");
        }
        String s = state == null ? RUNNING : state.strip();
        if (!s.equals(RUNNING) && !s.equals(START) && !s.equals(FAIL)) {
            throw new ConfigException("--state / HEARTBEAT_STATE must be start, fail or running, not \""
                    + shown(s) + "\"");
        }
        int status = -1;
        if (exit != null) {
            if (s.equals(START)) {
                throw new ConfigException("--exit-status is for a run that ended (--state fail or running), not start");
            }
            status = exitStatus(exit.strip());
        }
        if (durationMs != null && duration != null) {
            throw new ConfigException("give --duration-ms or --duration, not both");
        }
        long ms = -1;
        if (durationMs != null || duration != null) {
            if (s.equals(START)) {
                throw new ConfigException("--duration is for a run that ended (--state fail or running), not start");
            }
            ms = durationMs != null ? millis(durationMs.strip()) : parseDuration(duration.strip());
        }
        return new OneShot(s, status, ms);
    }

    private static int exitStatus(String text) throws ConfigException {
        try {
            int n = Integer.parseInt(text);
            if (n >= 0 && n <= 255) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException("--exit-status / HEARTBEAT_EXIT_STATUS must be a whole number from 0 to 255, not \""
                + shown(text) + "\"");
    }

    private static long millis(String text) throws ConfigException {
        try {
            long n = Long.parseLong(text);
            if (n >= 0 && n <= MAX_DURATION_MS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException("--duration-ms / HEARTBEAT_DURATION_MS must be whole milliseconds from 0 to "
                + MAX_DURATION_MS + " (400 days), not \"" + shown(text) + "\"");
    }

    /** Seconds ("12.5") or ISO-8601 ("PT1M30S"), as the agent's other durations; zero allowed. */
    private static long parseDuration(String text) throws ConfigException {
        try {
            Duration d = text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                    : Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValueExact());
            if (!d.isNegative() && d.toMillis() <= MAX_DURATION_MS) {
                return d.toMillis();
            }
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            // refused below
        }
        throw new ConfigException("--duration / HEARTBEAT_DURATION must be seconds (12.5) or ISO-8601 (PT1M30S), from 0 to "
                + "400 days, not \"" + shown(text) + "\"");
    }

    /** A refused value as the error message may show it: redacted, on one line. */
    private static String shown(String value) {
        String redacted = SecretRedactor.none().redact(value);
        StringBuilder b = new StringBuilder(redacted.length());
        for (int i = 0; i < redacted.length(); i++) {
            char c = redacted.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c);
        }
        return b.toString();
    }

    private static String pick(String variable, Map<String, String> flags, Map<String, String> env) {
        String v = flags.get(variable);
        if (v == null) {
            v = env.get(variable);
        }
        return v == null || v.isBlank() ? null : v;
    }

    private static String firstGiven(Map<String, String> flags, Map<String, String> env) {
        for (String[] f : FLAGS) {
            if (pick(f[1], flags, env) != null) {
                return f[0] + " / " + f[1];
            }
        }
        return "--state";
    }
}
