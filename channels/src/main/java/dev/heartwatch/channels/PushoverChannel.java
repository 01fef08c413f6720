package dev.heartwatch.channels;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Pushover's messages API (pushover.net/api): a form POST to {@code <api>/1/messages.json} with
 * the application {@code token}, the {@code user} (or group) key, {@code title} (at most 250
 * characters), {@code message} (at most 1,024) and {@code priority} (1, high, for DOWN; 0 for
 * RESOLVED). 200 with {@code "status":1} when taken; a 4xx with {@code "status":0} and
 * {@code errors} when the request is refused, which Pushover asks not to be repeated; 429 when
 * the application's monthly messages are spent; 5xx to be tried again later. HTML is not turned
 * on, so the text is shown as sent.
 */
public final class PushoverChannel implements NotificationChannel {
    static final int MESSAGE_LIMIT = 1_024;
    static final int TITLE_LIMIT = 250;

    private final URI messages;
    private final String token;
    private final String user;
    private final ChannelHttp http;

    /** @param api {@code https://api.pushover.net} */
    public PushoverChannel(URI api, String token, String user, ChannelHttp http) {
        this.messages = api.resolve("/1/messages.json");
        this.token = token;
        this.user = user;
        this.http = http;
    }

    @Override
    public String name() {
        return "pushover";
    }

    /** The service keeps no idempotency key: a repeat after a crash would be a second message to a person. */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        HttpRequest req = http.request(messages)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(m), StandardCharsets.UTF_8)).build();
        return http.exchange(req, ChannelHttp::byStatus);
    }

    String form(AlertMessage m) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("token", token);
        f.put("user", user);
        f.put("title", MessageCut.fit(m.subject(), TITLE_LIMIT));
        f.put("message", MessageCut.fit(m.text(), MESSAGE_LIMIT));
        f.put("priority", m.fired() ? "1" : "0");
        return f.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
