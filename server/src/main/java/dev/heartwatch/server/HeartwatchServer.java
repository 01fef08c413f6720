package dev.heartwatch.server;

import dev.heartwatch.channels.ChannelHttp;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.WebhookChannel;
import dev.heartwatch.common.PrivateFiles;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.alert.NewDeviceWarmUp;
import dev.heartwatch.server.cli.DevicesCommand;
import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.config.TlsKeystore;
import dev.heartwatch.server.dashboard.DashboardAccess;
import dev.heartwatch.server.dashboard.DashboardHandler;
import dev.heartwatch.server.dashboard.StoreDashboardSource;
import dev.heartwatch.server.export.AppInsightsExport;
import dev.heartwatch.server.export.LineExport;
import dev.heartwatch.server.http.AccessFilter;
import dev.heartwatch.server.http.BodyReadAhead;
import dev.heartwatch.server.http.DashboardSlot;
import dev.heartwatch.server.http.HeadAsGet;
import dev.heartwatch.server.http.HistoryLinesHandler;
import dev.heartwatch.server.http.DeviceAdminHandler;
import dev.heartwatch.server.http.DeviceKeys;
import dev.heartwatch.server.http.KeyRing;
import dev.heartwatch.server.http.PingHandler;
import dev.heartwatch.server.http.RegistryHandler;
import dev.heartwatch.server.http.Routes;
import dev.heartwatch.server.http.WebServer;
import dev.heartwatch.core.notify.AggregationPolicy;
import dev.heartwatch.server.ingest.Admission;
import dev.heartwatch.server.ingest.ProbesWithoutHeartbeats;
import dev.heartwatch.server.notify.AlertMessageFactory;
import dev.heartwatch.server.notify.ChannelRoutes;
import dev.heartwatch.server.pair.PeerBeat;
import dev.heartwatch.server.notify.ConsoleChannel;
import dev.heartwatch.server.notify.DeliveryBackoff;
import dev.heartwatch.server.notify.EmailChannel;
import dev.heartwatch.server.notify.OutboxDelivery;
import dev.heartwatch.server.store.DatabaseLock;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.RegistryAdministration;
import dev.heartwatch.server.store.DeviceHistory;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.StoreUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;

/**
 * {@code heartwatch-server}: the ping contract of {@code core} (what the Azure {@code Ping} runs)
 * on Jetty, its lines in SQLite, the silence rule evaluated live, alerts by email/webhook/console.
 * One process, one database file, and one server per file: it holds {@code <db>.lock}
 * ({@link DatabaseLock}) while it runs.
 *
 * <p>At start it mounts the dashboard ({@link DashboardHandler} over {@link StoreDashboardSource},
 * behind {@code HEARTWATCH_READ_KEY} or loopback-only), the admin API for mute/retire and
 * {@code /api/history/lines} (same read key); with a {@link LineExport} it ships every stored
 * contract line (Application Insights when {@code APPLICATIONINSIGHTS_CONNECTION_STRING} is set).
 */
public final class HeartwatchServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeartwatchServer.class.getName());

    private final ServerConfig config;
    private final DatabaseLock lock;
    private final HeartwatchStore store;
    private final WebServer http;
    private final ScheduledExecutorService scheduler;
    private final Evaluator evaluator;
    private final OutboxDelivery delivery;
    private final DashboardSlot dashboard = new DashboardSlot();
    private final Clock clock;
    private final DeviceHistory history;

    private final DeviceAdministration administration;
    private final ProbesWithoutHeartbeats probes;
    /** Pair mode's beat to the peer; {@code null} without a pair. */
    private final PeerBeat peerBeat;

    private HeartwatchServer(ServerConfig config, Clock clock, PrintStream console, LineExport export, SSLContext channelTrust)
            throws IOException {
        this.config = config;
        this.clock = clock;
        List<String> everyPingKey = new ArrayList<>(config.pingKeys());
        config.deviceKeys().forEach(d -> everyPingKey.add(d.key()));
        KeyRing pingKeys = new KeyRing(everyPingKey);
        if (pingKeys.isEmpty()) {
            throw new ConfigException("no ping key configured: set HEARTWATCH_KEYS, HEARTWATCH_KEY_FILE, "
                    + "HEARTWATCH_DEVICE_KEYS or HEARTWATCH_DEVICE_KEY_FILE");
        }
        SilenceRule rule = config.rule();
        for (String warning : config.warnings()) {
            LOG.warning("configuration: " + warning);
        }
        SSLContext tls = config.tls() ? TlsKeystore.load(config.tlsKeystore(), config.tlsKeystorePassword()) : null;
        // Before the store: a second server must not so much as migrate the file under the first.
        PrivateFiles.createDirectories(config.database().toAbsolutePath().getParent());
        this.lock = DatabaseLock.acquire(config.database());
        try {
            this.store = HeartwatchStore.open(config.database(), config.sqliteSynchronous(), config.threshold());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            PrivateFiles.createDirectories(config.outbox());
            AggregationPolicy policy = new AggregationPolicy(config.digestAfter(), AggregationPolicy.DEFAULT_LIST_CAP,
                    config.heartbeatInterval());
            // Parents (a check to its agent) come from the devices' own beats, read by each evaluation.
            this.evaluator = new Evaluator(store, rule, config.cooldown(), clock.instant(), policy, Map.of(),
                    new NewDeviceWarmUp(config.newDevices().warmUp(), config.newDevices().warmUpBeats()), config.pair());
            this.peerBeat = config.pair() == null ? null : PeerBeat.of(config.pair());
            this.history = new DeviceHistory(store, rule);
            this.administration = new DeviceAdministration(store, config.expectedDevices());
            List<NotificationChannel> channels = new ArrayList<>();
            channels.add(new ConsoleChannel(console));
            channels.add(new EmailChannel(config.smtp(), config.outbox()));
            if (config.webhookUrl() != null) {
                URI hook = URI.create(config.webhookUrl());
                channels.add(channelTrust == null
                        ? new WebhookChannel(hook, config.threshold(), config.evaluationFrequency(), WebhookChannel.DEFAULT_TIMEOUT, clock)
                        : new WebhookChannel(hook, config.threshold(), config.evaluationFrequency(),
                                new ChannelHttp(channelTrust, WebhookChannel.DEFAULT_TIMEOUT, clock, List.of(hook.toString()))));
            }
            channels.addAll(config.channels().channels(store.channelThreads(), clock, channelTrust));
            // A worker looks again at least this often: a RESOLVED waits for its grace, a claim may need a retry.
            Duration poll = Duration.ofMillis(Math.min(config.evaluationFrequency().toMillis(), 5_000));
            // Routing is the device registry's alone (issue 15 §5), read at each message.
            this.delivery = new OutboxDelivery(store, new AlertMessageFactory(store, rule, config.alertRuleName(), policy.listCap()),
                    channels, ChannelRoutes.of(() -> store.registry().registry()), DeliveryBackoff.DEFAULT, clock, poll);

            DashboardAccess access = config.readKey() == null ? DashboardAccess.loopbackOnly()
                    : DashboardAccess.readKey(config.readKey());
            Routes routes = new Routes(
                    new PingHandler(pingKeys, new DeviceKeys(config.deviceKeys()), config.trustedProxies(), store.lines(), clock,
                            config.requestTimeout(), export,
                            new Admission(config.newDevices(), store.devices().names(), store.devices()::knows,
                                    config.expectedDevices())),
                    new HistoryLinesHandler(store, HISTORY_STREAMS, config.responseTimeout()),
                    new DeviceAdminHandler(administration, clock, dashboard, config.dashboardActions()),
                    new RegistryHandler(new RegistryAdministration(store), clock),
                    dashboard);
            // Every route behind one access decision; HEAD is GET without a body everywhere but the ping.
            // Bodies are read ahead without a thread, once access allows it.
            Handler front = new HeadAsGet(new AccessFilter(pingKeys, new KeyRing(config.adminKeys()), access,
                    config.trustedProxies(), config.dashboardActions(), BodyReadAhead.around(routes)));
            // A trusted proxy carries every client behind it: its socket address is not capped.
            WebServer.Limits limits = new WebServer.Limits(config.requestTimeout(), config.maxConnections(),
                    config.maxConnectionsPerAddress(), config.trustedProxies());
            this.http = new WebServer(config.bindAddress(), config.port(), config.httpThreads(), limits,
                    tls, front);
            dashboard.set(new DashboardHandler(new StoreDashboardSource(store, history, administration,
                    config.expectedDevices()), clock, "/"));
            this.probes = new ProbesWithoutHeartbeats(store.facts());
            // A second thread in pair mode: a slow peer must not hold the evaluation back.
            this.scheduler = new ScheduledThreadPoolExecutor(config.pair() == null ? 1 : 2, daemonThreads("heartwatch-evaluator"));
        } catch (RuntimeException | IOException e) {
            store.close();
            lock.close();
            throw e;
        }
    }

    /** History streams served at once; more wait ({@code 429}). Each holds a read connection. */
    static final int HISTORY_STREAMS = 2;

    /** Starts the server without export: HTTP listener, evaluator, channel workers, retention pruning. */
    public static HeartwatchServer start(ServerConfig config, Clock clock, PrintStream console) throws IOException {
        return start(config, clock, console, LineExport.none());
    }

    /**
     * Starts the server: HTTP listener (ping, dashboard, admin API, history lines), evaluator,
     * one delivery worker per channel, retention pruning; every contract line is handed to {@code export} once stored.
     */
    public static HeartwatchServer start(ServerConfig config, Clock clock, PrintStream console, LineExport export)
            throws IOException {
        return start(config, clock, console, export, null);
    }

    /**
     * The same with the HTTPS channels (webhook, chat, push, GitHub) trusting {@code channelTrust}
     * instead of the JDK's certificate authorities: the end-to-end tests' loopback fakes carry a
     * certificate of a throw-away test CA. Null: the JDK's trust store, as in production.
     */
    public static HeartwatchServer start(ServerConfig config, Clock clock, PrintStream console, LineExport export,
                                         SSLContext channelTrust) throws IOException {
        HeartwatchServer s = new HeartwatchServer(config, clock, console, export, channelTrust);
        try {
            s.http.start();
        } catch (Exception e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException("cannot listen on " + config.bindAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        if (config.pair() != null) {
            try {
                PeerBeat.refuseSelf(config.pair(), config.bindAddress(), s.port());
            } catch (ConfigException e) {
                s.close();
                throw e;
            }
        }
        s.delivery.start();
        if (s.peerBeat != null) {
            long beatEvery = config.pair().interval().toMillis();
            s.scheduler.scheduleWithFixedDelay(s.peerBeat::beatQuietly, 0, beatEvery, TimeUnit.MILLISECONDS);
        }
        long every = config.evaluationFrequency().toMillis();
        s.scheduler.scheduleWithFixedDelay(s::evaluateAndSend, every, every, TimeUnit.MILLISECONDS);
        s.scheduler.scheduleWithFixedDelay(s::pruneQuietly, 1, 60, TimeUnit.MINUTES);
        s.scheduler.scheduleWithFixedDelay(s::warnAboutProbesQuietly, every, every, TimeUnit.MILLISECONDS);
        return s;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * One evaluation at the clock's now, then the channels' workers are woken to deliver what it
     * raised; the evaluation never waits for a delivery.
     */
    public void evaluateAndSend() {
        try {
            evaluator.evaluate(clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "evaluation failed: " + e.getMessage());
        }
        delivery.wake();
    }

    /** The log's side of the probes warning (the dashboard shows the same fact). */
    private void warnAboutProbesQuietly() {
        try {
            probes.warnOnce(clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "probe check failed: " + e.getClass().getSimpleName());
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
        delivery.close();
        store.close();
        lock.close();
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
                out.println("usage: java -jar heartwatch-server.jar [devices list|mute ID DURATION|unmute ID|retire ID|unretire ID [--db FILE]]");
                out.println("the device registry (schedules, channels) and the same commands: heartwatch devices ... --db FILE | --server URL"
                        + " (docs/deploy.md)");
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
            ServerConfig.NewDevices nd = config.newDevices();
            out.println("new devices: " + nd.perKey() + " per " + nd.window() + " per key (" + nd.burst() + " at once), "
                    + nd.total() + " in all, beyond them 429; warm-up " + nd.warmUp() + " or " + nd.warmUpBeats() + " beats");
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
        } catch (IOException | StoreUnavailableException e) {
            err.println("cannot start: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
