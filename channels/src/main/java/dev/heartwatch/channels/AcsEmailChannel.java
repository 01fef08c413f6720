package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Email through Azure Communication Services, keyless: the Email REST API's send
 * ({@code POST {endpoint}/emails:send?api-version=2023-03-31}, "Email - Send",
 * learn.microsoft.com/rest/api/communication/dataplane/email/send) with a Microsoft Entra bearer
 * token for {@link #SCOPE} (the caller's: azure-identity in the function app; this module stays
 * on the JDK), then the long-running operation it starts polled at its
 * {@code Operation-Location} ("Email - Get Send Result": {@code {id, status, error}}, status
 * NotStarted, Running, Succeeded, Failed or Canceled).
 *
 * <p>Answers: 202 with {@code Operation-Location} and {@code Retry-After} when accepted; 429 with
 * {@code Retry-After} when a limit is hit; 401 or 403 when the identity's token or role is
 * refused; other 4xx with {@code {error: {code, message}}} for a bad request. One attempt:
 * <ul>
 *   <li>the documented send and status limits ({@link AcsRateLimiter}) are counted first: over
 *       them the answer is "retry later" after the time a slot frees, no request made;</li>
 *   <li>202: polled at most {@link #MAX_POLLS} times within the poll bound, each after the
 *       service's {@code Retry-After}; Succeeded is delivered, Failed or Canceled permanent.
 *       Still running at the bound (or a status read refused or throttled), the email counts as
 *       delivered: the service took it, and sending again would be a second email. Two polls a
 *       send keep 10 sends an hour within 20 status reads an hour;</li>
 *   <li>429 retry later after {@code Retry-After}; 401/403 permanent (credential refused);
 *       other statuses as {@link ChannelHttp#byStatus}.</li>
 * </ul>
 * The token is sent to the endpoint's host only: an {@code Operation-Location} on another host
 * is not polled. The HTML body is the plain text with every device-supplied character escaped
 * ({@link Markup#html}); both are the same {@link AlertMessage} text the other channels send.
 */
public final class AcsEmailChannel implements NotificationChannel {
    public static final String API_VERSION = "2023-03-31";
    /** The token's scope: Communication Services' data plane. */
    public static final String SCOPE = "https://communication.azure.com/.default";
    static final int MAX_POLLS = 2;
    /** ACS accepts at most 50 recipients an email ("Service limits", Size limits for email). */
    static final int MAX_RECIPIENTS = 50;
    /** Default bound of the polling, inside Notify's queue visibility timeout (30 s). */
    public static final Duration DEFAULT_POLL_BOUND = Duration.ofSeconds(15);
    private static final Duration FIRST_POLL_DEFAULT = Duration.ofSeconds(1);
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the channel waits between polls (a test passes one that records instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final URI send;
    private final String host;
    private final String sender;
    private final List<String> to;
    private final Supplier<String> token;
    private final ChannelHttp http;
    private final AcsRateLimiter limits;
    private final Duration pollBound;
    private final Sleeper sleeper;

    /**
     * @param endpoint  {@code https://<name>.<geo>.communication.azure.com} (HEARTWATCH_ACS_ENDPOINT)
     * @param sender    {@code DoNotReply@<domain>} (HEARTWATCH_EMAIL_SENDER)
     * @param to        the recipients (HEARTWATCH_EMAIL_TO), 1 to 50
     * @param token     a bearer token for {@link #SCOPE}; may throw when none can be had
     */
    public AcsEmailChannel(URI endpoint, String sender, List<String> to, Supplier<String> token, ChannelHttp http,
                           AcsRateLimiter limits, Duration pollBound, Sleeper sleeper) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the Communication Services endpoint must be an https URL");
        }
        if (to.isEmpty() || to.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("an email goes to 1 to " + MAX_RECIPIENTS + " recipients, not " + to.size());
        }
        String base = endpoint.toString().replaceAll("/+$", "");
        this.send = URI.create(base + "/emails:send?api-version=" + API_VERSION);
        this.host = endpoint.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + endpoint.getPort();
        this.sender = sender;
        this.to = List.copyOf(to);
        this.token = token;
        this.http = http;
        this.limits = limits;
        this.pollBound = pollBound;
        this.sleeper = sleeper;
    }

    /** The production channel: the JVM-wide limits of an Azure-managed domain, a real sleep. */
    public AcsEmailChannel(URI endpoint, String sender, List<String> to, Supplier<String> token, ChannelHttp http) {
        this(endpoint, sender, to, token, http, AcsRateLimiter.shared(), DEFAULT_POLL_BOUND,
                d -> Thread.sleep(d.toMillis()));
    }

    @Override
    public String name() {
        return "email (Azure Communication Services)";
    }

    /** A repeat after a crash would be a second email to a person. */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        Instant start = http.clock().instant();
        Optional<Duration> wait = limits.trySend(start);
        if (wait.isPresent()) {
            return DeliveryResult.retryAfter(wait.get(), "Communication Services send limit reached (Azure-managed domain: 5 a minute, 10 an hour)");
        }
        String bearer;
        try {
            bearer = token.get();
        } catch (RuntimeException e) {
            return DeliveryResult.retry("no Microsoft Entra token (" + e.getClass().getSimpleName() + ")");
        }
        if (bearer == null || bearer.isBlank()) {
            return DeliveryResult.retry("no Microsoft Entra token");
        }
        HttpRequest req = http.postJson(send, payload(m, sender, to)).header("Authorization", "Bearer " + bearer).build();
        AtomicReference<ChannelHttp.Answer> accepted = new AtomicReference<>();
        DeliveryResult sent = http.exchange(req, a -> {
            if (a.status() == 202) {
                accepted.set(a);
                return DeliveryResult.delivered();
            }
            if (a.status() / 100 == 2) {
                return DeliveryResult.delivered();
            }
            if (a.status() == 400 || a.status() == 422) {
                return DeliveryResult.permanent("request refused (HTTP " + a.status() + errorCode(a.body()) + ")");
            }
            return ChannelHttp.byStatus(a);
        });
        ChannelHttp.Answer answer = accepted.get();
        if (answer == null) {
            return sent;
        }
        return poll(answer, bearer, start.plus(pollBound));
    }

    private DeliveryResult poll(ChannelHttp.Answer accepted, String bearer, Instant deadline) {
        Optional<URI> location = accepted.header("Operation-Location").flatMap(this::sameHost);
        if (location.isEmpty()) {
            return DeliveryResult.delivered();
        }
        Duration next = accepted.retryAfter().orElse(FIRST_POLL_DEFAULT);
        for (int i = 0; i < MAX_POLLS; i++) {
            Instant now = http.clock().instant();
            if (now.plus(next).isAfter(deadline) || limits.tryStatus(now).isPresent()) {
                return DeliveryResult.delivered();
            }
            try {
                sleeper.sleep(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return DeliveryResult.delivered();
            }
            HttpRequest get = http.request(location.get()).header("Authorization", "Bearer " + bearer).GET().build();
            AtomicReference<String> status = new AtomicReference<>("");
            AtomicReference<String> code = new AtomicReference<>("");
            AtomicReference<Duration> after = new AtomicReference<>(FIRST_POLL_DEFAULT);
            http.exchange(get, a -> {
                a.retryAfter().ifPresent(after::set);
                if (a.status() == 200) {
                    JsonNode body = read(a.body());
                    status.set(body.path("status").asText(""));
                    code.set(errorCode(body.path("error").path("code").asText("")));
                }
                return DeliveryResult.delivered();
            });
            switch (status.get()) {
                case "Succeeded":
                    return DeliveryResult.delivered();
                case "Failed":
                case "Canceled":
                    return DeliveryResult.permanent("Communication Services could not send it (operation " + status.get() + code.get() + ")");
                case "NotStarted":
                case "Running":
                    next = after.get();
                    break;
                default:
                    // Throttled, refused or unreadable: it was accepted; do not send it twice.
                    return DeliveryResult.delivered();
            }
        }
        return DeliveryResult.delivered();
    }

    /** The operation's URL, only on the endpoint's own host (the bearer token goes nowhere else). */
    private Optional<URI> sameHost(String header) {
        try {
            URI u = URI.create(header.trim());
            boolean same = "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null
                    && (u.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + u.getPort()).equals(host);
            return same ? Optional.of(u) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The email ACS is asked to send: subject, plain text and HTML from the same message. */
    static ObjectNode payload(AlertMessage m, String sender, List<String> to) {
        ObjectNode body = JSON.createObjectNode();
        body.put("senderAddress", sender);
        ObjectNode content = body.putObject("content");
        content.put("subject", m.subject().replaceAll("[\\r\\n]+", " "));
        content.put("plainText", m.text());
        content.put("html", html(m));
        ArrayNode recipients = body.putObject("recipients").putArray("to");
        for (String address : to) {
            recipients.addObject().put("address", address);
        }
        body.put("userEngagementTrackingDisabled", true);
        return body;
    }

    /** The text as HTML: every character escaped, lines kept as lines. */
    static String html(AlertMessage m) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html><html><body><p>");
        String[] lines = m.text().split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append("<br>\n");
            }
            out.append(Markup.html(lines[i]));
        }
        return out.append("</p></body></html>").toString();
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** A service error code as ", code X" when it looks like one; never its message. */
    private static String errorCode(String text) {
        String c = text == null ? "" : text.trim();
        if (c.startsWith("{")) {
            c = read(c).path("error").path("code").asText("");
        }
        return ERROR_CODE.matcher(c).matches() ? ", code " + c : "";
    }
}
