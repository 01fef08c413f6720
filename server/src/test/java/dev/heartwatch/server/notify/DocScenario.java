package dev.heartwatch.server.notify;

import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.channels.support.FakeGitHub;
import dev.heartwatch.channels.support.FakeService;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.server.alert.Evaluator;
import dev.heartwatch.server.config.ChannelSettings;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.support.Lines;
import dev.heartwatch.channels.support.MutableClock;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The messages docs/notifications.md shows, made by the server's own code end to end: a store
 * with one real outage of {@code pi} (its agent's report: cause {@code dns}) and a storm of six
 * devices, the evaluator, the aggregation policy and the outbox delivering through the real
 * channels to loopback fakes (answering as each service documents, see
 * {@code AllChannelsEndToEndTest}) and to the outbox folder (mail as .eml files). Fixed instants,
 * so every message is the same at every run.
 */
final class DocScenario implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final SilenceRule RULE = new SilenceRule(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(2),
            Duration.ofMinutes(1), Set.of());
    static final String GITHUB_TOKEN = "github_pat_doc0123456789abcdef";
    static final String TELEGRAM_TOKEN = "123456789:AAHdocsecretsecretsecretsecret_x";
    static final List<String> KINDS = List.of("down", "resolved", "digest");

    /** One kind of message (down, resolved, digest) as one channel sent it. */
    record Sent(FakeService.Request request) {
    }

    final Map<String, FakeService> fakes = new LinkedHashMap<>();
    final FakeGitHub issues = new FakeGitHub(GITHUB_TOKEN);
    /** channel → kind → the requests that kind made. */
    final Map<String, Map<String, List<FakeService.Request>>> sent = new LinkedHashMap<>();
    /** kind → the mail. */
    final Map<String, MimeMessage> mails = new LinkedHashMap<>();

    DocScenario(TestCa ca, Path dir) throws Exception {
        fakes.put("slack", new FakeService(ca, r -> Answer.of(200, Map.of("Content-Type", "text/plain"), "ok")));
        fakes.put("discord", new FakeService(ca, r -> Answer.of(204, Map.of(), "")));
        fakes.put("teams", new FakeService(ca, r -> Answer.of(202, Map.of(), "")));
        fakes.put("telegram", new FakeService(ca, r -> Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":7}}")));
        fakes.put("ntfy", new FakeService(ca, r -> Answer.json(200, "{\"id\":\"sPs71M8A2T\",\"event\":\"message\"}")));
        fakes.put("pushover", new FakeService(ca, r -> Answer.json(200, "{\"status\":1,\"request\":\"647d2300\"}")));
        fakes.put("github", new FakeService(ca, issues::answer));
        ChannelSettings settings = ChannelSettings.from(Map.ofEntries(
                Map.entry("HEARTWATCH_SLACK_WEBHOOK_URL", fakes.get("slack").url("/services/T0/B0/docsecret").toString()),
                Map.entry("HEARTWATCH_DISCORD_WEBHOOK_URL", fakes.get("discord").url("/api/webhooks/1/docsecret").toString()),
                Map.entry("HEARTWATCH_TEAMS_WEBHOOK_URL", fakes.get("teams").url("/workflows/doc/invoke").toString()),
                Map.entry("HEARTWATCH_TELEGRAM_TOKEN", TELEGRAM_TOKEN),
                Map.entry("HEARTWATCH_TELEGRAM_CHAT_ID", "-1001234567890"),
                Map.entry("HEARTWATCH_TELEGRAM_API_URL", fakes.get("telegram").base().toString()),
                Map.entry("HEARTWATCH_NTFY_URL", fakes.get("ntfy").url("/heartwatch-home").toString()),
                Map.entry("HEARTWATCH_PUSHOVER_TOKEN", "azGDORePK8gMaC0QOYAMyEEuzJnyUi"),
                Map.entry("HEARTWATCH_PUSHOVER_USER", "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"),
                Map.entry("HEARTWATCH_PUSHOVER_API_URL", fakes.get("pushover").base().toString()),
                Map.entry("HEARTWATCH_GITHUB_TOKEN", GITHUB_TOKEN),
                Map.entry("HEARTWATCH_GITHUB_REPO", FakeGitHub.REPO),
                Map.entry("HEARTWATCH_GITHUB_API_URL", fakes.get("github").base().toString())));
        MutableClock clock = new MutableClock(T0);
        Path outbox = dir.resolve("outbox");
        try (HeartwatchStore store = HeartwatchStore.open(dir.resolve("h.db"), "FULL")) {
            List<NotificationChannel> channels = new ArrayList<>();
            channels.add(new EmailChannel(new ServerConfig.Smtp(null, 0, ServerConfig.Smtp.Security.NONE, null, null,
                    "heartwatch@example.test", List.of("me@example.test")), outbox));
            channels.addAll(settings.channels(store.channelThreads(), clock, ca.client()));
            OutboxDelivery delivery = new OutboxDelivery(store, new AlertMessageFactory(store, RULE, "heartwatch-silence"), channels,
                    DeliveryBackoff.DEFAULT, clock, Duration.ofSeconds(1));
            Evaluator e = new Evaluator(store, RULE, Duration.ofSeconds(1), T0.minusSeconds(3600));

            Lines.beat(store, "pi", T0);
            e.evaluate(T0.plusSeconds(1));
            at(e, clock, T0.plus(Duration.ofMinutes(6)));
            deliver(delivery, "down", outbox);

            Instant back = T0.plus(Duration.ofMinutes(42));
            Lines.beatWithOutage(store, "pi", back, "o-7", T0.plusSeconds(40), back.minusSeconds(20), "dns");
            at(e, clock, back.plusSeconds(1));
            clock.set(back.plus(Duration.ofMinutes(3)));
            deliver(delivery, "resolved", outbox);
            Lines.stopping(store, "pi", back.plus(Duration.ofMinutes(3))); // a clean stop: pi is not in the storm

            Instant storm = T0.plus(Duration.ofHours(2));
            List<String> devices = List.of("cabin-pi", "garage-cam", "nas", "office-ap", "printer", "router");
            for (String d : devices) {
                Lines.beat(store, d, storm);
            }
            e.evaluate(storm.plusSeconds(1));
            at(e, clock, storm.plus(Duration.ofMinutes(6)));
            at(e, clock, storm.plus(Duration.ofMinutes(7))); // nothing more: the digest is released
            deliver(delivery, "digest", outbox);
        }
    }

    private static void at(Evaluator e, MutableClock clock, Instant t) {
        e.evaluate(t);
        clock.set(t);
    }

    private void deliver(OutboxDelivery delivery, String kind, Path outbox) throws Exception {
        Map<String, Integer> before = new LinkedHashMap<>();
        fakes.forEach((name, f) -> before.put(name, f.requests().size()));
        List<Path> mailsBefore = eml(outbox);
        delivery.deliverDue();
        fakes.forEach((name, f) -> sent.computeIfAbsent(name, k -> new LinkedHashMap<>())
                .put(kind, List.copyOf(f.requests().subList(before.get(name), f.requests().size()))));
        List<Path> now = eml(outbox);
        now.removeAll(mailsBefore);
        if (now.size() != 1) {
            throw new AssertionError(kind + ": expected one mail, found " + now);
        }
        try (InputStream in = Files.newInputStream(now.get(0))) {
            mails.put(kind, new MimeMessage(Session.getInstance(new Properties()), in));
        }
    }

    private static List<Path> eml(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> p.toString().endsWith(".eml")).sorted().toList());
        }
    }

    /** The one POST a channel made for a kind. */
    FakeService.Request post(String channel, String kind) {
        List<FakeService.Request> posts = sent.get(channel).get(kind).stream().filter(r -> r.method().equals("POST")).toList();
        if (posts.size() != 1) {
            throw new AssertionError(channel + " " + kind + ": expected one POST, found " + posts.size());
        }
        return posts.get(0);
    }

    @Override
    public void close() {
        fakes.values().forEach(FakeService::close);
    }
}
