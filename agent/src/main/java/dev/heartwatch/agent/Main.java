package dev.heartwatch.agent;

import dev.heartwatch.agent.cause.FaultLocator;
import dev.heartwatch.agent.check.Check;
import dev.heartwatch.agent.check.CheckLine;
import dev.heartwatch.agent.check.CheckList;
import dev.heartwatch.agent.check.CheckRunner;
import dev.heartwatch.agent.ledger.CheckLedger;
import dev.heartwatch.agent.cause.ProcNetRouteGateway;
import dev.heartwatch.agent.cause.TcpGatewayProber;
import dev.heartwatch.agent.config.AgentConfig;
import dev.heartwatch.agent.config.ConfigException;
import dev.heartwatch.agent.ledger.OutageLedger;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.send.BoundedResolver;
import dev.heartwatch.agent.send.HttpTransport;
import dev.heartwatch.agent.send.JdkHttpSettings;
import dev.heartwatch.agent.send.Transport;
import dev.heartwatch.common.DeviceIdRule;
import dev.heartwatch.common.SecretRedactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Wires the agent from its configuration and starts it; nothing else. */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java -jar heartwatch-agent.jar [options]   (see docs/agent.md)",
            "  --url URL              HEARTBEAT_URL            endpoint; a ?code=KEY moves to the x-functions-key header",
            "  --device NAME          HEARTBEAT_DEVICE         default: the host name",
            "  --interval DURATION    HEARTBEAT_INTERVAL       seconds (60) or ISO-8601 (PT1M); default 60",
            "  --timeout DURATION     HEARTBEAT_TIMEOUT        whole request, connect included; default 10",
            "  --key KEY              HEARTBEAT_KEY            function key (else the URL's code=)",
            "  --secondary-urls URLS  HEARTBEAT_SECONDARY_URLS comma-separated failover endpoints",
            "  --secondary-mode MODE  HEARTBEAT_SECONDARY_MODE failover (default) or fanout: every beat to every endpoint",
            "  --ledger FILE          HEARTBEAT_LEDGER         default: $STATE_DIRECTORY/ledger or ./heartwatch-ledger",
            "  --note TEXT            HEARTBEAT_NOTE           default: scheduled heartbeat",
            "  --proxy URL            HEARTBEAT_PROXY          http://[user:pass@]host:port for every endpoint",
            "                                                  (default: https_proxy / http_proxy)",
            "  --no-proxy HOSTS       HEARTBEAT_NO_PROXY       hosts to reach directly (default: no_proxy)",
            "  --checks-file FILE     HEARTBEAT_CHECKS_FILE    active checks, one a line: NAME KIND TARGET... (docs/checks.md)",
            "                         HEARTBEAT_CHECK_<NAME>   one check: e.g. tcp 127.0.0.1:5432 every PT1M retries 3",
            "  --verbose              log every beat, not only state changes",
            "  --once                 send one heartbeat; exit 0 if accepted, 1 (and why, on stderr) if not;",
            "                         the outage ledger is not touched",
            "  --state STATE          HEARTBEAT_STATE          with --once: running (a success, default), start or fail",
            "  --exit-status N        HEARTBEAT_EXIT_STATUS    with --once: the run's exit status, 0-255",
            "  --duration-ms N        HEARTBEAT_DURATION_MS    with --once: the run's duration in milliseconds",
            "  --duration DURATION    HEARTBEAT_DURATION       the same in seconds (12.5) or ISO-8601 (PT1M30S)",
            "                         (these four: flags or the environment, never .env)",
            "Precedence: flags > environment > .env in the working directory > defaults.");

    private Main() {
    }

    /**
     * {@code --once}: one beat, the run's state and figures in it, then the exit code: 0 when an
     * endpoint accepted it, 1 (with one line on stderr saying why) when none did. No loop, no
     * checks, no shutdown beat, and the outage ledger is not touched ({@link OutageLedger#detached}):
     * nothing pending rides this beat and a failure records no outage. Each endpoint is bounded by
     * the timeout, as every beat is.
     */
    private static int once(AgentConfig config, SecretRedactor redactor, Clock clock, AgentLog log, String version) {
        JdkHttpSettings.apply(config.interval()); // before the JDK's HTTP classes load
        Transport transport = new HttpTransport(config.timeout(), null, config.proxies(), redactor, version);
        FaultLocator locator = new FaultLocator(new ProcNetRouteGateway(Path.of("/proc/net/route")),
                new TcpGatewayProber(53, Duration.ofSeconds(1)));
        HeartbeatAgent agent = new HeartbeatAgent(config, transport, OutageLedger.detached(log), locator, clock, log,
                version);
        agent.start();
        dev.heartwatch.agent.config.OneShot run = config.oneShot();
        if (agent.beat(run.state(), run.exitStatus(), run.durationMs())) {
            return 0;
        }
        System.err.println("heartwatch-agent: the " + run.state() + " beat was not delivered: "
                + AgentLog.oneLine(redactor.redact(String.valueOf(agent.lastFailure()))));
        return 1;
    }

    public static void main(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(USAGE);
                return;
            }
            if (a.equals("--version")) {
                System.out.println(AgentVersion.read());
                return;
            }
        }
        AgentConfig config;
        String version = AgentVersion.read();
        Clock clock = Clock.systemUTC();
        List<Check> checks;
        try {
            config = AgentConfig.from(args, System.getenv(), Path.of(".env"));
            checks = CheckList.parse(config.checks(), new CheckLine.Defaults(DeviceIdRule.normalize(config.device()),
                    config.interval(), config.timeout(), clock, version, BoundedResolver.CHECKS, List.of("ping")));
        } catch (ConfigException e) {
            System.err.println("heartwatch-agent: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> secrets = new ArrayList<>(config.secrets());
        secrets.addAll(CheckList.secrets(checks));
        SecretRedactor redactor = new SecretRedactor(secrets);
        AgentLog log = new AgentLog(System.out, redactor, clock, config.verbose());
        if (config.once()) {
            System.exit(once(config, redactor, clock, log, version));
            return;
        }
        OutageLedger ledger;
        try {
            ledger = OutageLedger.open(config.ledger(), clock.millis(), log);
        } catch (IOException e) {
            System.err.println("heartwatch-agent: configuration error: cannot use the ledger " + config.ledger()
                    + ": " + e.getClass().getSimpleName());
            System.exit(2);
            return;
        }
        JdkHttpSettings.apply(config.interval()); // before the JDK's HTTP classes load
        Transport transport = new HttpTransport(config.timeout(), null, config.proxies(), redactor, version);
        FaultLocator locator = new FaultLocator(new ProcNetRouteGateway(Path.of("/proc/net/route")),
                new TcpGatewayProber(53, Duration.ofSeconds(1)));
        HeartbeatAgent agent = new HeartbeatAgent(config, transport, ledger, locator, clock, log, version);
        agent.start();
        CheckRunner runner = null;
        if (!checks.isEmpty()) {
            CheckLedger checkLedger;
            try {
                checkLedger = CheckLedger.open(config.ledger(), clock.millis(), log);
            } catch (IOException e) {
                System.err.println("heartwatch-agent: configuration error: cannot use the check ledger next to "
                        + config.ledger() + ": " + e.getClass().getSimpleName());
                System.exit(2);
                return;
            }
            // A transport of its own: the beat's is one request at a time, and the beat never waits for checks.
            HttpTransport batches = new HttpTransport(config.timeout(), null, config.proxies(), redactor, version);
            runner = new CheckRunner(checks, DeviceIdRule.normalize(config.device()), config.endpoints(),
                    batches::postBatch, checkLedger, clock, log, version, config.interval(), config.fanout());
            runner.start();
        }
        long interval = config.interval().toNanos();
        HeartbeatLoop loop = new HeartbeatLoop(new SystemTicker(), interval, HeartbeatLoop.jitterFor(interval),
                new Random(), agent);
        long inFlight = config.timeout().toMillis() * config.endpoints().size() + 2_000;
        Runtime.getRuntime().addShutdownHook(
                new Thread(new ShutdownBeat(loop, agent, runner, Thread.currentThread(), inFlight), "heartwatch-stop"));
        loop.run();
    }
}
