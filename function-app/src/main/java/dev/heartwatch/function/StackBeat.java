package dev.heartwatch.function;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Issue 18 section 3: each stack beats the other. Every minute this stack POSTs one beat as
 * {@code stack-<HEARTWATCH_STACK_NAME>} (its region) to the peer stack's {@link StackPing}
 * ({@code HEARTWATCH_PEER_PING_URL}: {@code https://<peer>.azurewebsites.net/api/stack-ping}), with
 * StackPing's function key {@code peer} ({@code HEARTWATCH_PEER_KEY}, a Key Vault reference) in
 * {@code x-functions-key}, never in the URL. The peer's {@code Ping} refuses {@code stack-*} ids:
 * only its StackPing, which no agent's key opens, takes them. Both settings absent:
 * off (a single stack). It never beats its own stack: a peer URL whose host is this app's own
 * {@code WEBSITE_HOSTNAME} is refused (the app's default host name, set by App Service:
 * learn.microsoft.com/azure/app-service/reference-app-settings, "App environment").
 *
 * <p>The schedule is an NCRONTAB expression of six fields, seconds first
 * ({@code 0 *}{@code /1 * * * *}: second 0 of every minute), as the timer trigger documents
 * (learn.microsoft.com/azure/azure-functions/functions-bindings-timer, "NCRONTAB expressions").
 * The request is bounded (ten seconds, no redirect: it would carry the key elsewhere); the key
 * and the peer's answer body are never logged.
 */
public class StackBeat {
    public static final String SCHEDULE = "0 */1 * * * *";
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(StackBeat.class.getName());

    /** What one run did; the log says the same, without the key. */
    enum Outcome { OFF, MISCONFIGURED, REFUSED_SELF, SENT, FAILED }

    private final Map<String, String> settings;
    private final HttpClient client;

    public StackBeat() {
        this(System.getenv(), HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    StackBeat(Map<String, String> settings, HttpClient client) {
        this.settings = settings;
        this.client = client;
    }

    @FunctionName("StackBeat")
    public void run(@TimerTrigger(name = "timer", schedule = SCHEDULE) String timerInfo, ExecutionContext context) {
        beat();
    }

    Outcome beat() {
        String url = setting("HEARTWATCH_PEER_PING_URL");
        String key = setting("HEARTWATCH_PEER_KEY");
        if (url == null && key == null) {
            return Outcome.OFF;
        }
        String name = setting("HEARTWATCH_STACK_NAME");
        if (url == null || key == null || name == null || !name.matches("[a-z0-9-]{1,40}")) {
            LOG.warning("StackBeat: HEARTWATCH_PEER_PING_URL, HEARTWATCH_PEER_KEY and HEARTWATCH_STACK_NAME "
                    + "([a-z0-9-]{1,40}, the region) must all be set to beat the peer stack; not beating");
            return Outcome.MISCONFIGURED;
        }
        URI peer;
        try {
            peer = URI.create(url);
        } catch (IllegalArgumentException e) {
            LOG.warning("StackBeat: HEARTWATCH_PEER_PING_URL is not a URL; not beating");
            return Outcome.MISCONFIGURED;
        }
        String scheme = peer.getScheme() == null ? "" : peer.getScheme().toLowerCase(Locale.ROOT);
        if (peer.getHost() == null || peer.getRawUserInfo() != null || peer.getRawQuery() != null
                || !(scheme.equals("https") || scheme.equals("http") && loopback(peer.getHost()))) {
            LOG.warning("StackBeat: HEARTWATCH_PEER_PING_URL must be the peer's https Ping URL, without user info "
                    + "or query (the key comes from HEARTWATCH_PEER_KEY); not beating");
            return Outcome.MISCONFIGURED;
        }
        String own = setting("WEBSITE_HOSTNAME");
        if (own != null && hostOf(own).equalsIgnoreCase(peer.getHost())) {
            LOG.warning("StackBeat: HEARTWATCH_PEER_PING_URL is this app's own host: a stack never beats itself; not beating");
            return Outcome.REFUSED_SELF;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(peer).timeout(TIMEOUT)
                    .header("x-functions-key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"stack-" + name + "\"}"))
                    .build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return Outcome.SENT;
            }
            LOG.warning("StackBeat: the peer stack answered " + status);
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        } catch (IOException | RuntimeException e) {
            LOG.warning("StackBeat: the beat to the peer stack failed (" + e.getClass().getSimpleName() + ")");
            return Outcome.FAILED;
        }
    }

    private String setting(String name) {
        String v = settings.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** {@code WEBSITE_HOSTNAME} is a host name, sometimes with a port (the local host). */
    private static String hostOf(String hostname) {
        int colon = hostname.lastIndexOf(':');
        return colon > 0 && hostname.indexOf(':') == colon ? hostname.substring(0, colon) : hostname;
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }
}
