package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * A chat service's incoming webhook: one JSON POST of the message to a secret URL, the answer
 * read by the service's own rule ({@link #read}, by default {@link ChannelHttp#byStatus}). The
 * services keep no idempotency key, so a delivery interrupted by a crash is not repeated: a
 * repeat would be a second message to a person.
 */
abstract class JsonWebhookChannel implements NotificationChannel {
    private final String name;
    private final URI webhook;
    private final ChannelHttp http;

    JsonWebhookChannel(String name, URI webhook, ChannelHttp http) {
        this.name = name;
        this.webhook = webhook;
        this.http = http;
    }

    /** The service's JSON for one message. */
    abstract ObjectNode body(AlertMessage m);

    /** What the service's answer means. */
    DeliveryResult read(ChannelHttp.Answer a) {
        return ChannelHttp.byStatus(a);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean repeatAfterCrash() {
        return false;
    }

    @Override
    public final DeliveryResult deliver(AlertMessage m) {
        return http.exchange(http.postJson(webhook, body(m)).build(), this::read);
    }
}
