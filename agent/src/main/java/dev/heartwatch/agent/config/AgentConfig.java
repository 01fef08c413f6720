package dev.heartwatch.agent.config;

import dev.heartwatch.common.DotEnv;
import dev.heartwatch.common.SecretRedactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent needs to run, resolved once at start-up with a fixed
 * precedence: command-line flags, then the environment, then a {@code .env} file
 * in the working directory, then defaults. The original Python agent's variables
 * ({@code HEARTBEAT_URL}, {@code HEARTBEAT_DEVICE}, {@code HEARTBEAT_INTERVAL} in
 * seconds) work unchanged.
 *
 * @param endpoints primary first, then the secondaries in the order given
 * @param oneShot   what a {@code --once} beat says about a run ({@link OneShot#SUCCESS} otherwise)
 * @param fanout    {@code HEARTBEAT_SECONDARY_MODE=fanout} (issue 18): every beat to every endpoint, the home up
 *                  when any answered; else failover, the secondaries tried in order only after a failure
 */
public record AgentConfig(List<Endpoint> endpoints, String device, String note, Duration interval, Duration timeout,
                   Path ledger, ProxySettings proxies, boolean verbose, boolean once, List<CheckDefinition> checks,
                   OneShot oneShot, boolean fanout) {

    /** The prefix of a check's variable: {@code HEARTBEAT_CHECK_DB=tcp 127.0.0.1:5432}. */
    public static final String CHECK_PREFIX = "HEARTBEAT_CHECK_";

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_NOTE = "scheduled heartbeat";
    private static final Duration SHORTEST = Duration.ofMillis(10);

    /** flag name to the variable it overrides; the table in docs/agent.md. */
    private static final String[][] FLAGS = {
        {"--url", "HEARTBEAT_URL"},
        {"--device", "HEARTBEAT_DEVICE"},
        {"--interval", "HEARTBEAT_INTERVAL"},
        {"--timeout", "HEARTBEAT_TIMEOUT"},
        {"--key", "HEARTBEAT_KEY"},
        {"--secondary-urls", "HEARTBEAT_SECONDARY_URLS"},
        {"--secondary-mode", "HEARTBEAT_SECONDARY_MODE"},
        {"--ledger", "HEARTBEAT_LEDGER"},
        {"--note", "HEARTBEAT_NOTE"},
        {"--proxy", "HEARTBEAT_PROXY"},
        {"--no-proxy", "HEARTBEAT_NO_PROXY"},
        {"--checks-file", "HEARTBEAT_CHECKS_FILE"},
    };

    public static AgentConfig from(String[] args, Map<String, String> env, Path dotEnvFile) throws ConfigException {
        Map<String, String> flags = new HashMap<>();
        boolean verbose = false;
        boolean once = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--verbose")) {
                verbose = true;
                continue;
            }
            if (arg.equals("--once")) {
                once = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            String variable = variableFor(name);
            if (variable == null) {
                variable = OneShot.variableFor(name);
            }
            if (variable == null) {
                throw new ConfigException("unknown option " + SecretRedactor.none().redact(name) + " (try --help)");
            }
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new ConfigException(name + " needs a value");
            }
            flags.put(variable, value);
        }

        OneShot oneShot = OneShot.from(flags, env, once);
        Map<String, String> dotEnv = dotEnv(dotEnvFile, env);
        Map<String, String> merged = new HashMap<>(dotEnv);
        for (String[] f : FLAGS) {
            String v = env.get(f[1]);
            if (v != null && !v.isEmpty()) {
                merged.put(f[1], v);
            }
        }
        merged.putAll(flags);

        String key = merged.getOrDefault("HEARTBEAT_KEY", "").strip();
        String url = merged.get("HEARTBEAT_URL");
        if (url == null || url.isBlank()) {
            throw new ConfigException("HEARTBEAT_URL (or --url) is required, e.g. https://<app>.azurewebsites.net/api/ping");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(Endpoint.parse(url, key, "HEARTBEAT_URL"));
        String secondaries = merged.getOrDefault("HEARTBEAT_SECONDARY_URLS", "");
        int n = 1;
        for (String s : secondaries.split(",")) {
            if (!s.isBlank()) {
                endpoints.add(Endpoint.parse(s, key, "secondary URL " + n++));
            }
        }

        String device = merged.getOrDefault("HEARTBEAT_DEVICE", "").strip();
        if (device.isEmpty()) {
            device = hostName();
        }
        if (device.isEmpty()) {
            throw new ConfigException("HEARTBEAT_DEVICE (or --device) is required: no host name to default to");
        }
        if (device.length() > 64) {
            throw new ConfigException("HEARTBEAT_DEVICE is longer than 64 characters");
        }

        Duration interval = duration(merged.get("HEARTBEAT_INTERVAL"), DEFAULT_INTERVAL, "HEARTBEAT_INTERVAL");
        Duration timeout = duration(merged.get("HEARTBEAT_TIMEOUT"), DEFAULT_TIMEOUT, "HEARTBEAT_TIMEOUT");
        String note = merged.getOrDefault("HEARTBEAT_NOTE", DEFAULT_NOTE);

        String ledgerText = merged.get("HEARTBEAT_LEDGER");
        Path ledger;
        if (ledgerText != null && !ledgerText.isBlank()) {
            ledger = Path.of(ledgerText.strip());
        } else if (env.get("STATE_DIRECTORY") != null && !env.get("STATE_DIRECTORY").isBlank()) {
            // systemd's StateDirectory= sets this; a colon separates several directories.
            ledger = Path.of(env.get("STATE_DIRECTORY").split(":")[0], "ledger");
        } else {
            ledger = Path.of("heartwatch-ledger");
        }
        ProxySettings proxies = proxies(merged, env, dotEnv);
        List<CheckDefinition> checks = checks(dotEnv, env, merged.get("HEARTBEAT_CHECKS_FILE"));
        String mode = merged.getOrDefault("HEARTBEAT_SECONDARY_MODE", "failover").strip().toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("failover") && !mode.equals("fanout")) {
            throw new ConfigException("HEARTBEAT_SECONDARY_MODE (or --secondary-mode) must be failover or fanout");
        }
        if (mode.equals("fanout") && endpoints.size() < 2) {
            throw new ConfigException("HEARTBEAT_SECONDARY_MODE=fanout sends every beat to HEARTBEAT_URL and every "
                    + "HEARTBEAT_SECONDARY_URLS endpoint: name at least one secondary URL");
        }
        return new AgentConfig(List.copyOf(endpoints), device, note, interval, timeout, ledger, proxies, verbose, once,
                checks, oneShot, mode.equals("fanout"));
    }

    /**
     * The active checks: every {@code HEARTBEAT_CHECK_<NAME>} (the environment over {@code .env}),
     * then the lines of the checks file, {@code NAME KIND ...}, blank lines and {@code #}
     * comments skipped. Sorted by variable name, then in file order, so the order is stable.
     */
    private static List<CheckDefinition> checks(Map<String, String> dotEnv, Map<String, String> env, String file)
            throws ConfigException {
        java.util.TreeMap<String, String> vars = new java.util.TreeMap<>();
        for (Map<String, String> source : List.of(dotEnv, env)) {
            for (Map.Entry<String, String> e : source.entrySet()) {
                if (e.getKey().startsWith(CHECK_PREFIX) && e.getValue() != null && !e.getValue().isBlank()) {
                    vars.put(e.getKey(), e.getValue());
                }
            }
        }
        List<CheckDefinition> out = new ArrayList<>();
        for (Map.Entry<String, String> e : vars.entrySet()) {
            String name = e.getKey().substring(CHECK_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            out.add(new CheckDefinition(name, e.getKey(), e.getValue().strip()));
        }
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.strip());
            List<String> lines;
            try {
                lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new ConfigException("cannot read the checks file " + path + ": " + e.getClass().getSimpleName());
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String where = path.getFileName() + " line " + (i + 1);
                int space = line.indexOf(' ');
                if (space < 0) {
                    throw new ConfigException(where + ": a check line is NAME KIND TARGET..., not \""
                            + SecretRedactor.none().redact(line) + "\"");
                }
                out.add(new CheckDefinition(line.substring(0, space), where, line.substring(space + 1).strip()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The {@code .env} file in python-dotenv's dialect, as the original agent's {@code
     * load_dotenv()} reads it ({@code ${VAR}} expanded from the environment first). A statement
     * python-dotenv could not parse is skipped, as it does, but named: python-dotenv warns too.
     */
    private static Map<String, String> dotEnv(Path file, Map<String, String> env) throws ConfigException {
        DotEnv parsed;
        try {
            parsed = DotEnv.read(file, env);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file.getFileName() + ": " + e.getClass().getSimpleName());
        }
        for (int line : parsed.unparsedLines()) {
            System.err.println("heartwatch-agent: " + file.getFileName() + " line " + line
                    + " could not be parsed; skipped, as python-dotenv does");
        }
        return parsed.values();
    }

    /**
     * HEARTBEAT_PROXY (or --proxy) for every endpoint, else the variables curl and the original
     * agent's {@code requests} read: https_proxy for HTTPS endpoints, http_proxy for plain HTTP,
     * no_proxy for exceptions; lower case before upper case, the environment before .env.
     */
    private static ProxySettings proxies(Map<String, String> merged, Map<String, String> env,
                                         Map<String, String> dotEnv) throws ConfigException {
        String both = merged.get("HEARTBEAT_PROXY");
        String https = nonBlank(both) ? both : conventional("https_proxy", env, dotEnv);
        String http = nonBlank(both) ? both : conventional("http_proxy", env, dotEnv);
        String noProxy = merged.get("HEARTBEAT_NO_PROXY");
        if (!nonBlank(noProxy)) {
            noProxy = conventional("no_proxy", env, dotEnv);
        }
        return ProxySettings.of(nonBlank(https) ? ProxyUrl.parse(https, "the HTTPS proxy") : null,
                nonBlank(http) ? ProxyUrl.parse(http, "the HTTP proxy") : null, noProxy);
    }

    private static String conventional(String lower, Map<String, String> env, Map<String, String> dotEnv) {
        String upper = lower.toUpperCase(java.util.Locale.ROOT);
        for (Map<String, String> source : List.of(env, dotEnv)) {
            for (String name : new String[] {lower, upper}) {
                String v = source.get(name);
                if (nonBlank(v)) {
                    return v.strip();
                }
            }
        }
        return null;
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** Every key this configuration holds, for redaction. */
    public List<String> secrets() {
        List<String> keys = new ArrayList<>();
        for (Endpoint e : endpoints) {
            keys.add(e.key());
        }
        for (ProxyUrl p : new ProxyUrl[] {proxies.https(), proxies.http()}) {
            if (p != null) {
                keys.addAll(p.secrets());
            }
        }
        return keys;
    }

    /** Plain seconds (the original agent: "60", also "0.5") or ISO-8601 ("PT1M", "PT0.5S"). */
    static Duration duration(String text, Duration fallback, String what) throws ConfigException {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String t = text.strip();
        Duration d;
        try {
            if (t.charAt(0) == 'P' || t.charAt(0) == 'p') {
                d = Duration.parse(t);
            } else {
                d = Duration.ofNanos(new java.math.BigDecimal(t).movePointRight(9).longValueExact());
            }
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new ConfigException(what + " must be seconds (60) or an ISO-8601 duration (PT1M), not \""
                    + SecretRedactor.none().redact(t) + "\"");
        }
        if (d.compareTo(SHORTEST) < 0) {
            throw new ConfigException(what + " must be at least " + SHORTEST.toMillis() + " ms");
        }
        return d;
    }

    private static String variableFor(String flag) {
        for (String[] f : FLAGS) {
            if (f[0].equals(flag)) {
                return f[1];
            }
        }
        return null;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        StringBuilder urls = new StringBuilder();
        for (Endpoint e : endpoints) {
            urls.append(urls.length() == 0 ? "" : ", ").append(e.label());
        }
        return "url=" + urls + " device=" + device + " interval=" + interval + " timeout=" + timeout
                + " ledger=" + ledger + " key=" + (endpoints.get(0).key().isEmpty() ? "none" : SecretRedactor.MARK)
                + proxyText() + (checks.isEmpty() ? "" : " checks=" + checks.size()) + (fanout ? " secondary-mode=fanout" : "");
    }

    private String proxyText() {
        java.net.URI primary = endpoints.get(0).target();
        boolean https = primary.getScheme().equalsIgnoreCase("https");
        ProxyUrl p = proxies.forTarget(https, primary.getHost(),
                primary.getPort() >= 0 ? primary.getPort() : (https ? 443 : 80));
        return p == null ? "" : " proxy=" + p.label;
    }
}
