package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One GitHub issue per outage in a chosen repository, through the REST API
 * (docs.github.com/rest/issues/issues#create-an-issue, #update-an-issue,
 * docs.github.com/rest/issues/comments#create-an-issue-comment): a DOWN opens an issue titled
 * with the device and the outage's start, labelled {@value #LABEL} (a label is at most 50
 * characters, so the device is in the title, not a label); the RESOLVED comments with the
 * outage's figures and closes it.
 *
 * <p>Never two issues for one outage: the issue's number is kept in {@link ThreadState} under
 * the message's thread key as soon as it is known, and before opening one the channel also looks
 * for an issue that carries the thread's marker in its body (the most recent issues with the
 * label, {@value #LISTED} of them), which covers a crash between GitHub's answer and the record. The comment is recorded
 * the same way, so a retry after a failed close does not comment twice. A RESOLVED whose DOWN
 * never opened an issue opens one, says so, and closes it.
 *
 * <p>Rate limits (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): a 403
 * or 429 with {@code retry-after} waits that long; with {@code x-ratelimit-remaining: 0} it waits
 * until {@code x-ratelimit-reset}; any other 403 is a refused token or missing permission,
 * permanent. One attempt is up to four requests, each bounded by the channel's timeout.
 */
public final class GitHubIssueChannel implements NotificationChannel {
    public static final String LABEL = "heartwatch";
    static final int TITLE_LIMIT = 256;
    /** GitHub refuses a body or comment above 65,536 characters. */
    static final int BODY_LIMIT = 65_536;
    /** The newest issues with the label looked through for a thread's marker. */
    static final int LISTED = 50;
    /** Enough for {@link #LISTED} issues of ours (a few KB each, with GitHub's own fields). */
    static final int LISTING_BYTES = 2 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final URI repo;
    private final String token;
    private final ThreadState threads;
    private final ChannelHttp http;
    private final String repoName;

    /**
     * @param api   {@code https://api.github.com} (or an Enterprise Server's {@code /api/v3})
     * @param repo  {@code owner/name}
     * @param token a fine-grained token with Issues: write on that repository alone
     */
    public GitHubIssueChannel(URI api, String repo, String token, ThreadState threads, ChannelHttp http) {
        String base = api.toString().endsWith("/") ? api.toString() : api + "/";
        this.repo = URI.create(base + "repos/" + repo + "/");
        this.repoName = repo;
        this.token = token;
        this.threads = threads;
        this.http = http;
    }

    @Override
    public String name() {
        return "github";
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        String key = "github:" + repoName + ":" + m.threadKey();
        AtomicLong issue = new AtomicLong(threads.get(key).orElse(-1L));
        if (issue.get() < 0) {
            DeliveryResult found = findOrOpen(m, key, issue);
            if (!(found instanceof DeliveryResult.Delivered) || m.fired()) {
                return found;
            }
        } else if (m.fired()) {
            return DeliveryResult.delivered(); // this DOWN's issue is open already: a repeat
        }
        String commentKey = key + ":resolved-comment";
        if (threads.get(commentKey).isEmpty()) {
            DeliveryResult commented = http.exchange(post(repo.resolve("issues/" + issue.get() + "/comments"),
                    JSON.createObjectNode().put("body", MessageCut.fit(resolvedComment(m), BODY_LIMIT))), a -> {
                        DeliveryResult r = read(a);
                        if (r instanceof DeliveryResult.Delivered) {
                            long id = number(a, "id");
                            if (id < 0) {
                                return DeliveryResult.retry("GitHub answered " + a.status() + " without a comment id");
                            }
                            threads.putIfAbsent(commentKey, id);
                        }
                        return r;
                    });
            if (!(commented instanceof DeliveryResult.Delivered)) {
                return commented;
            }
        }
        ObjectNode close = JSON.createObjectNode().put("state", "closed").put("state_reason", "completed");
        return http.exchange(request(repo.resolve("issues/" + issue.get()))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(close.toString(), StandardCharsets.UTF_8)).build(),
                GitHubIssueChannel::read);
    }

    /** The thread's issue: recorded, found by its marker, or opened now; its number into {@code issue}. */
    private DeliveryResult findOrOpen(AlertMessage m, String key, AtomicLong issue) {
        String marker = marker(key);
        DeliveryResult listed = http.exchange(request(repo.resolve("issues?labels=" + LABEL
                + "&state=all&sort=created&direction=desc&per_page=" + LISTED)).GET().build(), a -> {
                    DeliveryResult r = read(a);
                    if (r instanceof DeliveryResult.Delivered) {
                        markedIssue(a.body(), marker).ifPresent(n -> issue.set(threads.putIfAbsent(key, n)));
                    }
                    return r;
                }, LISTING_BYTES);
        if (!(listed instanceof DeliveryResult.Delivered) || issue.get() >= 0) {
            return listed;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("title", MessageCut.fit(title(m), TITLE_LIMIT));
        body.put("body", MessageCut.fit(openingBody(m), BODY_LIMIT - marker.length() - 2) + "\n\n" + marker);
        body.putArray("labels").add(LABEL);
        return http.exchange(post(repo.resolve("issues"), body), a -> {
            DeliveryResult r = read(a);
            if (r instanceof DeliveryResult.Delivered) {
                long n = number(a, "number");
                if (n < 0) {
                    // The next attempt finds the issue by its marker, if it was opened after all.
                    return DeliveryResult.retry("GitHub answered " + a.status() + " without an issue number");
                }
                issue.set(threads.putIfAbsent(key, n));
            }
            return r;
        });
    }

    static String title(AlertMessage m) {
        Instant start = m.outage() != null ? m.outage().start() : m.lastSeen() != null ? m.lastSeen() : m.firedAt();
        String who = m.digest() ? m.digestOf().total() + " devices" : m.device();
        return who + " down since " + (start == null ? "an unknown time" : MINUTE.format(start));
    }

    private static String openingBody(AlertMessage m) {
        String text = Markup.markdown(m.text());
        if (m.fired()) {
            return text;
        }
        return "Heartwatch saw this outage end, but its DOWN never opened an issue here (the channel was added, "
                + "or the DOWN was refused), so this issue is opened and closed at once.\n\n" + text;
    }

    private static String resolvedComment(AlertMessage m) {
        return "**" + Markup.markdown(m.subject()) + "**\n\n" + Markup.markdown(m.text());
    }

    /** An HTML comment: invisible in the rendered issue, kept in its body for {@link #findOrOpen}. */
    static String marker(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "<!-- heartwatch-thread: " + HexFormat.of().formatHex(h).substring(0, 32) + " -->";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Long> markedIssue(String listing, String marker) {
        try {
            JsonNode issues = JSON.readTree(listing);
            if (issues != null && issues.isArray()) {
                for (JsonNode i : issues) {
                    if (i.path("body").asText("").contains(marker) && i.path("number").canConvertToLong()) {
                        return Optional.of(i.path("number").asLong());
                    }
                }
            }
        } catch (IOException e) {
            // A listing cut at the answer cap, or not JSON: no marked issue found in it.
        }
        return Optional.empty();
    }

    /** The answer's {@code field}, or -1. */
    private static long number(ChannelHttp.Answer a, String field) {
        try {
            JsonNode n = JSON.readTree(a.body()).path(field);
            if (n.canConvertToLong()) {
                return n.asLong();
            }
        } catch (IOException e) {
            // Not JSON (or cut at the answer cap): no number.
        }
        return -1;
    }

    private HttpRequest.Builder request(URI uri) {
        return http.request(uri).header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "heartwatch")
                .header("Authorization", "Bearer " + token);
    }

    private HttpRequest post(URI uri, ObjectNode body) {
        return request(uri).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
    }

    /** GitHub's answers, its rate limits first (they come as 403 as well as 429). */
    static DeliveryResult read(ChannelHttp.Answer a) {
        if (a.status() == 403 || a.status() == 429) {
            Optional<Duration> after = a.retryAfter();
            if (after.isPresent()) {
                return DeliveryResult.retryAfter(after.get(), "rate limited (HTTP " + a.status() + ")");
            }
            if ("0".equals(a.header("x-ratelimit-remaining").orElse(null))) {
                Optional<Duration> untilReset = a.header("x-ratelimit-reset").flatMap(v -> untilReset(v, a.at()));
                return DeliveryResult.retryAfter(untilReset.orElse(null), "rate limited (HTTP " + a.status() + ")");
            }
            if (a.status() == 429) {
                return DeliveryResult.retry("rate limited (HTTP 429)");
            }
        }
        return ChannelHttp.byStatus(a);
    }

    private static Optional<Duration> untilReset(String epochSeconds, Instant now) {
        try {
            Instant reset = Instant.ofEpochSecond(Long.parseLong(epochSeconds.trim()));
            return reset.isAfter(now) ? Optional.of(Duration.between(now, reset)) : Optional.empty();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
