package dev.heartwatch.function.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Puts a message on a Storage queue with a visibility delay, through the Queue service REST API
 * with the managed identity's token ({@value StateTable#SCOPE}; role Storage Queue Data
 * Contributor, already the app's): "Put Message",
 * {@code POST {endpoint}/{queue}/messages?visibilitytimeout=<seconds>}, body
 * {@code <QueueMessage><MessageText>...</MessageText></QueueMessage>}, answered {@code 201 Created}
 * (learn.microsoft.com/rest/api/storageservices/put-message: the visibility timeout is 0 to 7
 * days, in seconds, relative to server time; the message stays invisible until it expires).
 * The Java queue output binding cannot delay a message, hence this.
 *
 * <p>The text is base64, as host.json's {@code messageEncoding: base64} makes the queue trigger
 * expect it.
 */
public final class StorageQueue implements AlertQueue {
    /** Put Message's cap: seven days. */
    static final Duration MAX_DELAY = Duration.ofDays(7);
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final URI messages;
    private final TokenSource tokens;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param endpoint {@code https://<account>.queue.core.windows.net} (Azurite: {@code https://127.0.0.1:PORT/devstoreaccount1})
     * @param queue    the queue's name ({@code heartwatch-alerts})
     */
    public StorageQueue(URI endpoint, String queue, TokenSource tokens, HttpClient http, Duration timeout) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
            throw new IllegalArgumentException(NotifyConfig.QUEUE_ENDPOINT + " must be https://");
        }
        if (!queue.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
            throw new IllegalArgumentException("not a queue name: 3 to 63 lower-case letters, digits and single dashes");
        }
        this.messages = URI.create(endpoint.toString().replaceAll("/+$", "") + "/" + queue + "/messages");
        this.tokens = tokens;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public void put(String message, Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("a queue message's delay is 0 to 7 days: " + delay);
        }
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0); // never earlier than asked
        String text = Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessage><MessageText>" + text
                + "</MessageText></QueueMessage>";
        String token;
        try {
            token = tokens.token(StateTable.SCOPE);
        } catch (RuntimeException e) {
            throw new StateTable.Unavailable("no token for Queue storage (" + e.getClass().getSimpleName() + ")");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(messages + "?visibilitytimeout=" + seconds))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("x-ms-version", StateTable.API_VERSION)
                .header("x-ms-date", RFC1123.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .header("Content-Type", "application/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> a;
        try {
            a = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StateTable.Unavailable("Queue storage could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateTable.Unavailable("interrupted");
        }
        if (a.statusCode() != 201) {
            throw new StateTable.Unavailable("Queue storage answered HTTP " + a.statusCode() + " to Put Message");
        }
    }
}
