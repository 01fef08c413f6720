package dev.heartwatch.channels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** The most issues one storm (a digest) opens for its outages; the rest share one more. */
    public static final int STORM_ISSUES = 10;
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

    /** A digest comes with its members' own messages: each outage keeps its own issue (below). */
    @Override
    public boolean wantsDigestMembers() {
        return true;
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        if (m.digest() && !m.members().isEmpty()) {
            return m.fired() ? stormDown(m) : stormBack(m);
        }
        return single(m);
    }

    private String key(AlertMessage m) {
        return "github:" + repoName + ":" + m.threadKey();
    }

    private String issueKey(long issue) {
        return "github:" + repoName + ":issue:" + issue;
    }

    /** One outage's message: its DOWN opens the outage's issue, its RESOLVED comments on it and closes it. */
    private DeliveryResult single(AlertMessage m) {
        String key = key(m);
        AtomicLong issue = new AtomicLong(threads.get(key).orElse(-1L));
        if (issue.get() < 0) {
            DeliveryResult found = findOrOpen(m, title(m), key, issue);
            if (!(found instanceof DeliveryResult.Delivered) || m.fired()) {
                return found;
            }
        } else if (m.fired()) {
            return DeliveryResult.delivered(); // this DOWN's issue is open already: a repeat
        }
        DeliveryResult commented = commentOnce(issue.get(), key + ":resolved-comment", resolvedComment(m));
        if (!(commented instanceof DeliveryResult.Delivered)) {
            return commented;
        }
        if (threads.get(key + ":shared").isPresent()) {
            // A storm's shared issue: closed once every outage in it is back.
            return allBack(issue.get(), List.of(m)) ? close(issue.get()) : DeliveryResult.delivered();
        }
        return close(issue.get());
    }

    /**
     * A storm's DOWN: its first {@value #STORM_ISSUES} outages get an issue each; the rest share one
     * issue for the storm, which each of them comments on when back and which is closed when the
     * last of them is back. Every step is recorded, so a retry resumes where the attempt stopped.
     */
    private DeliveryResult stormDown(AlertMessage m) {
        List<AlertMessage> members = m.members();
        int own = Math.min(STORM_ISSUES, members.size());
        for (AlertMessage a : members.subList(0, own)) {
            DeliveryResult r = single(a);
            if (!(r instanceof DeliveryResult.Delivered)) {
                return r;
            }
        }
        if (members.size() == own) {
            return DeliveryResult.delivered();
        }
        List<AlertMessage> rest = members.subList(own, members.size());
        String stormKey = key(m);
        AtomicLong issue = new AtomicLong(threads.get(stormKey).orElse(-1L));
        if (issue.get() < 0) {
            StringBuilder t = new StringBuilder();
            t.append(rest.size()).append(" more devices went down in the same storm as the ").append(own)
                    .append(" with an issue of their own (at most ").append(STORM_ISSUES)
                    .append(" issues per storm). Each one's return is a comment here; the issue is closed when all are back.\n\n");
            for (AlertMessage a : rest) {
                t.append("- ").append(a.device()).append(": declared down at ").append(a.firedAt()).append('\n');
            }
            Instant start = rest.get(0).lastSeen() != null ? rest.get(0).lastSeen() : rest.get(0).firedAt();
            String title = rest.size() + " more devices down since " + (start == null ? "an unknown time" : MINUTE.format(start));
            AlertMessage shared = new AlertMessage(m.idemKey(), m.ruleName(), "", true, m.firedAt(), null, null, null, 0,
                    m.reason(), m.subject(), t.toString(), m.threadKey(), m.digestOf(), AlertMessage.Names.NONE);
            DeliveryResult opened = findOrOpen(shared, title, stormKey, issue);
            if (!(opened instanceof DeliveryResult.Delivered)) {
                return opened;
            }
        }
        threads.putIfAbsent(issueKey(issue.get()) + ":members", rest.size());
        for (AlertMessage a : rest) {
            threads.putIfAbsent(key(a), issue.get());
            threads.putIfAbsent(key(a) + ":shared", issue.get());
        }
        return DeliveryResult.delivered();
    }

    /**
     * A storm's RESOLVED: each outage with an issue of its own is commented on and closed; those
     * sharing a storm's issue get one comment together there (not one each), and the issue is
     * closed once all of its outages are back. An outage whose DOWN opened nothing here gets an
     * issue opened and closed, for the first {@value #STORM_ISSUES} members only: past that it
     * gets none on GitHub (every other channel has it).
     */
    private DeliveryResult stormBack(AlertMessage m) {
        Map<Long, List<AlertMessage>> shared = new LinkedHashMap<>();
        List<AlertMessage> members = m.members();
        for (int i = 0; i < members.size(); i++) {
            AlertMessage a = members.get(i);
            Optional<Long> storm = threads.get(key(a) + ":shared");
            if (storm.isPresent()) {
                shared.computeIfAbsent(storm.get(), k -> new ArrayList<>()).add(a);
                continue;
            }
            if (threads.get(key(a)).isEmpty() && i >= STORM_ISSUES) {
                continue;
            }
            DeliveryResult r = single(a);
            if (!(r instanceof DeliveryResult.Delivered)) {
                return r;
            }
        }
        for (Map.Entry<Long, List<AlertMessage>> e : shared.entrySet()) {
            StringBuilder t = new StringBuilder();
            t.append("**").append(Markup.markdown(m.subject())).append("**\n\n");
            for (AlertMessage a : e.getValue()) {
                t.append("**").append(Markup.markdown(a.subject())).append("**\n\n").append(Markup.markdown(a.text())).append("\n\n");
            }
            DeliveryResult commented = commentOnce(e.getKey(), issueKey(e.getKey()) + ":comment:" + m.threadKey(), t.toString());
            if (!(commented instanceof DeliveryResult.Delivered)) {
                return commented;
            }
            if (allBack(e.getKey(), e.getValue())) {
                DeliveryResult closed = close(e.getKey());
                if (!(closed instanceof DeliveryResult.Delivered)) {
                    return closed;
                }
            }
        }
        return DeliveryResult.delivered();
    }

    /**
     * Counts {@code back} among a shared issue's outages that are back (each counted once, in
     * numbered slots, since {@link ThreadState} only puts if absent); whether all of them are.
     */
    private boolean allBack(long issue, List<AlertMessage> back) {
        String base = issueKey(issue);
        long total = threads.get(base + ":members").orElse(Long.MAX_VALUE);
        List<Long> seen = new ArrayList<>();
        for (long slot = 0; ; slot++) {
            Optional<Long> v = threads.get(base + ":back:" + slot);
            if (v.isEmpty()) {
                break;
            }
            seen.add(v.get());
        }
        for (AlertMessage a : back) {
            long id = ByteBuffer.wrap(sha256(key(a))).getLong();
            if (!seen.contains(id)) {
                threads.putIfAbsent(base + ":back:" + seen.size(), id);
                seen.add(id);
            }
        }
        return seen.size() >= total;
    }

    /** Posts {@code body} on {@code issue} unless a comment was recorded under {@code commentKey}. */
    private DeliveryResult commentOnce(long issue, String commentKey, String body) {
        if (threads.get(commentKey).isPresent()) {
            return DeliveryResult.delivered();
        }
        return http.exchange(post(repo.resolve("issues/" + issue + "/comments"),
                JSON.createObjectNode().put("body", MessageCut.fit(body, BODY_LIMIT))), a -> {
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
    }

    private DeliveryResult close(long issue) {
        ObjectNode close = JSON.createObjectNode().put("state", "closed").put("state_reason", "completed");
        return http.exchange(request(repo.resolve("issues/" + issue))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(close.toString(), StandardCharsets.UTF_8)).build(),
                GitHubIssueChannel::read);
    }

    /** The thread's issue: recorded, found by its marker, or opened now; its number into {@code issue}. */
    private DeliveryResult findOrOpen(AlertMessage m, String title, String key, AtomicLong issue) {
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
        body.put("title", MessageCut.fit(title, TITLE_LIMIT));
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
        return "<!-- heartwatch-thread: " + HexFormat.of().formatHex(sha256(key)).substring(0, 32) + " -->";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
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
