package dev.heartwatch.server;

import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.cli.DevicesCommand;
import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.dashboard.DashboardAccess;
import dev.heartwatch.server.dashboard.DashboardHandler;
import dev.heartwatch.server.dashboard.StoreDashboardSource;
import dev.heartwatch.server.export.AppInsightsExport;
import dev.heartwatch.server.export.LineExport;
import dev.heartwatch.server.http.DashboardSlot;
import dev.heartwatch.server.http.HistoryLinesHandler;
import dev.heartwatch.server.http.DeviceAdminHandler;
import dev.heartwatch.server.http.KeyRing;
import dev.heartwatch.server.http.PingHandler;
import dev.heartwatch.server.http.Routes;
import dev.heartwatch.server.http.WebServer;
import dev.heartwatch.server.notify.AlertMessageFactory;
import dev.heartwatch.server.notify.ConsoleChannel;
import dev.heartwatch.server.notify.EmailChannel;
import dev.heartwatch.server.notify.NotificationChannel;
import dev.heartwatch.server.notify.NotificationSender;
import dev.heartwatch.server.notify.WebhookChannel;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.HeartwatchStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;

/**
 * {@code heartwatch-server}: the ping contract of {@code core} (what the Azure {@code Ping} runs)
 * on Jetty, its lines in SQLite, the silence rule evaluated live, alerts by email/webhook/console.
 * One process, one database file.
 *
 * <p>At start it mounts the dashboard ({@link DashboardHandler} over {@link StoreDashboardSource},
 * behind {@code HEARTWATCH_READ_KEY} or loopback-only), the admin API for mute/retire and
 * {@code /api/history/lines} (same read key); with a {@link LineExport} it ships every stored
 * contract line (Application Insights when {@code APPLICATIONINSIGHTS_CONNECTION_STRING} is set).
 */
public final class HeartwatchServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeartwatchServer.class.getName());

    private final ServerConfig config;
    private final HeartwatchStore store;
    private final WebServer http;
    private final ScheduledExecutorService scheduler;
    private final Evaluator evaluator;
    private final NotificationSender sender;
    private final DashboardSlot dashboard = new DashboardSlot();
    private final Clock clock;
    private final DeviceHistory history;

    private final DeviceAdministration administration;

    private HeartwatchServer(ServerConfig config, Clock clock, PrintStream console, LineExport export) throws IOException {
        this.config = config;
        this.clock = clock;
        KeyRing pingKeys = new KeyRing(config.pingKeys());
        if (pingKeys.isEmpty()) {
            throw new ConfigException("no ping key configured: set HEARTWATCH_KEYS or HEARTWATCH_KEY_FILE");
        }
        SilenceRule rule = new SilenceRule(config.threshold(), config.evaluationFrequency(), config.lookback(),
                config.heartbeatInterval(), config.expectedDevices());
        this.store = HeartwatchStore.open(config.database(), config.sqliteSynchronous(), config.threshold());
        try {
            this.evaluator = new Evaluator(store, rule, config.cooldown(), clock.instant());
            this.history = new DeviceHistory(store, rule);
            this.administration = new DeviceAdministration(store, config.expectedDevices());
            List<NotificationChannel> channels = new ArrayList<>();
            channels.add(new ConsoleChannel(console));
            channels.add(new EmailChannel(config.smtp(), config.outbox()));
            if (config.webhookUrl() != null) {
                channels.add(new WebhookChannel(URI.create(config.webhookUrl()), config.threshold(), config.evaluationFrequency()));
            }
            this.sender = new NotificationSender(store, new AlertMessageFactory(store, rule, config.alertRuleName()), channels, clock);

            DashboardAccess access = config.readKey() == null ? DashboardAccess.loopbackOnly()
                    : DashboardAccess.readKey(config.readKey());
            this.http = new WebServer(config.bindAddress(), config.port(), config.httpThreads(), config.requestTimeout(),
                    config.tls() ? tls(config) : null, new Routes(
                    new PingHandler(pingKeys, config.trustedProxies(), store.lines(), clock, config.requestTimeout(), export),
                    new HistoryLinesHandler(store, access, HISTORY_STREAMS, config.responseTimeout()),
                    new DeviceAdminHandler(administration, new KeyRing(config.adminKeys()), clock, dashboard,
                            config.dashboardActions()),
                    dashboard));
            dashboard.set(new DashboardHandler(new StoreDashboardSource(store, history, administration,
                    config.expectedDevices()), clock, access, "/"));
            this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("heartwatch-evaluator"));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** History streams served at once; more wait ({@code 429}). Each holds a read connection. */
    static final int HISTORY_STREAMS = 2;

    /** Starts the server without export: HTTP listener, evaluator, sender, retention pruning. */
    public static HeartwatchServer start(ServerConfig config, Clock clock, PrintStream console) throws IOException {
        return start(config, clock, console, LineExport.none());
    }

    /**
     * Starts the server: HTTP listener (ping, dashboard, admin API, history lines), evaluator,
     * sender, retention pruning; every contract line is handed to {@code export} once stored.
     */
    public static HeartwatchServer start(ServerConfig config, Clock clock, PrintStream console, LineExport export)
            throws IOException {
        HeartwatchServer s = new HeartwatchServer(config, clock, console, export);
        try {
            s.http.start();
        } catch (Exception e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException("cannot listen on " + config.bindAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        long every = config.evaluationFrequency().toMillis();
        s.scheduler.scheduleWithFixedDelay(s::evaluateAndSend, every, every, TimeUnit.MILLISECONDS);
        long retry = Math.min(every, 5_000);
        s.scheduler.scheduleWithFixedDelay(s::sendQuietly, retry, retry, TimeUnit.MILLISECONDS);
        s.scheduler.scheduleWithFixedDelay(s::pruneQuietly, 1, 60, TimeUnit.MINUTES);
        return s;
    }

    /** The server's certificate and key from the PKCS12 keystore; Jetty does the TLS. */
    private static SSLContext tls(ServerConfig config) throws IOException {
        try (InputStream in = Files.newInputStream(config.tlsKeystore())) {
            char[] password = config.tlsKeystorePassword().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot use the TLS keystore " + config.tlsKeystore() + ": " + e.getClass().getSimpleName());
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One evaluation at the clock's now, then delivery of what it raised. */
    public void evaluateAndSend() {
        try {
            evaluator.evaluate(clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "evaluation failed: " + e.getMessage());
        }
        sendQuietly();
    }

    private void sendQuietly() {
        try {
            sender.sendPending();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sending notifications failed: " + e.getMessage());
        }
    }

    private void pruneQuietly() {
        try {
            Instant cutoff = clock.instant().minus(config.retention());
            long n = store.facts().prune(cutoff);
            if (n > 0) {
                LOG.info("retention: pruned " + n + " lines older than " + cutoff);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pruning failed: " + e.getMessage());
        }
    }

    public int port() {
        return http.port();
    }

    public URI baseUri() {
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + port());
    }

    public HeartwatchStore store() {
        return store;
    }

    /** Live status, merged outages, uptime and last address per device: what the dashboard shows. */
    public DeviceHistory history() {
        return history;
    }

    public Clock clock() {
        return clock;
    }

    public ServerConfig config() {
        return config;
    }

    /** Mute and retire, shared by the admin API, the dashboard and the {@code devices} CLI. */
    public DeviceAdministration administration() {
        return administration;
    }

    /**
     * Replaces the dashboard (installed at start: {@link DashboardHandler} over
     * {@link StoreDashboardSource}): {@code /} and the {@code /api/devices...} requests.
     */
    public void setDashboard(Handler handler) {
        dashboard.set(handler);
    }

    @Override
    public void close() {
        http.close();
        scheduler.shutdownNow();
        store.close();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, java.util.Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            if (args.length > 0 && "devices".equals(args[0])) {
                return new DevicesCommand(out, err, Clock.systemUTC()).run(List.of(args).subList(1, args.length), env);
            }
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
                out.println("usage: java -jar heartwatch-server.jar [devices list|mute ID DURATION|retire ID]");
                out.println("configuration: HEARTWATCH_CONFIG=file (KEY=VALUE lines) and HEARTWATCH_* environment; see docs/server.md");
                return 0;
            }
            if (args.length > 0) {
                err.println("unknown argument: " + args[0] + " (try --help)");
                return 2;
            }
            ServerConfig config = ServerConfig.load(env);
            LineExport export = AppInsightsExport.fromEnvironment(env);
            HeartwatchServer server = start(config, Clock.systemUTC(), out, export);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "heartwatch-shutdown"));
            out.println("heartwatch-server listening on " + server.baseUri() + " (ping: " + server.baseUri() + "/api/ping)");
            out.println("database: " + config.database().toAbsolutePath());
            out.println("mail: " + (config.smtp().configured() ? "SMTP " + config.smtp().host() : "outbox " + config.outbox().toAbsolutePath()));
            out.println("rule: threshold " + config.threshold() + ", every " + config.evaluationFrequency() + ", lookback " + config.lookback());
            out.println("dashboard: " + server.baseUri() + "/" + (config.readKey() == null
                    ? " (no HEARTWATCH_READ_KEY: loopback clients only)" : " (open it once as /?key=READ_KEY)"));
            out.println("export to Application Insights: " + (export instanceof AppInsightsExport
                    ? "on (" + AppInsightsExport.CONNECTION_STRING_ENV + " is set; needs -javaagent, docs/export.md)"
                    : "off"));
            out.flush();
            Thread.currentThread().join();
            return 0;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("cannot start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
