package dev.heartwatch.agent.check;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.ledger.CheckLedger;
import dev.heartwatch.agent.ledger.Outage;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.send.BatchBody;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the checks, each on its own interval, and sends their beats once an interval in one
 * batch, on threads of their own: the agent's beat never waits for a check or for the batch.
 *
 * <ul>
 *   <li>One timer thread ({@code heartwatch-checks}) says when each check is due and cuts probes
 *       at their deadlines; the batch is sent on a thread of its own ({@code heartwatch-batch}). Probes run on a few worker threads; a check
 *       still running when it is due again skips that run (it is bounded by its timeout).
 *   <li>A pass queues a beat whose note is the latency and the result; a failure below the
 *       check's {@code retries} still beats (the note says so); the {@code retries}-th
 *       consecutive failure sends nothing and opens the device's outage in the {@link CheckLedger},
 *       from the first failure, with its cause. The next pass closes it, and its beat carries it.
 *   <li>The batch goes to the agent's endpoints in order (failover as for a beat; in fan-out,
 *       to every endpoint, delivered when any answered 2xx). A
 *       receiver's {@code ok batch 1} acknowledges the outages it carried; otherwise they ride
 *       the next batch. The beats of a batch that failed are not re-sent: a late beat says
 *       nothing true about now.
 * </ul>
 */
public final class CheckRunner {
    /** Posts one batch body to one endpoint; {@code HttpTransport::postBatch}. */
    public interface BatchPoster {
        Attempt post(Endpoint endpoint, byte[] body);
    }

    private static final int MAX_WORKERS = 8;

    private final List<CheckState> states = new ArrayList<>();
    private final String parent;
    private final List<Endpoint> endpoints;
    private final BatchPoster poster;
    private final CheckLedger ledger;
    private final Clock clock;
    private final AgentLog log;
    private final String version;
    private final Duration batchInterval;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor sender;
    private volatile boolean stopped;
    private boolean batchFailing;
    /** Fan-out (issue 18): the batch goes to every stack, as the beat does. */
    private final boolean fanout;
    /** Fan-out: the stacks that missed the batch while another answered, logged when each starts and ends. */
    private final Set<String> batchMissedBy = new java.util.LinkedHashSet<>();

    public CheckRunner(List<Check> checks, String parent, List<Endpoint> endpoints, BatchPoster poster,
                       CheckLedger ledger, Clock clock, AgentLog log, String version, Duration batchInterval) {
        this(checks, parent, endpoints, poster, ledger, clock, log, version, batchInterval, false);
    }

    /** With {@code fanout}, every batch goes to every endpoint (HEARTBEAT_SECONDARY_MODE=fanout). */
    public CheckRunner(List<Check> checks, String parent, List<Endpoint> endpoints, BatchPoster poster,
                       CheckLedger ledger, Clock clock, AgentLog log, String version, Duration batchInterval,
                       boolean fanout) {
        this.fanout = fanout;
        for (Check c : checks) {
            states.add(new CheckState(c));
        }
        this.parent = parent;
        this.endpoints = List.copyOf(endpoints);
        this.poster = poster;
        this.ledger = ledger;
        this.clock = clock;
        this.log = log;
        this.version = version;
        this.batchInterval = batchInterval;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("heartwatch-checks"));
        timer.setRemoveOnCancelPolicy(true);
        int n = Math.max(1, Math.min(MAX_WORKERS, checks.size()));
        this.workers = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("heartwatch-check"));
        workers.allowCoreThreadTimeOut(true); // idle between runs: no thread kept for a check every 5 minutes
        // The batch has a thread of its own, so a slow endpoint never holds the timer (and the probes' deadlines).
        this.sender = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(2),
                daemon("heartwatch-batch"), new ThreadPoolExecutor.DiscardPolicy());
        sender.allowCoreThreadTimeOut(true);
    }

    /** Schedules every check (spread over its first interval) and the batch. */
    public void start() {
        Set<String> devices = new HashSet<>();
        for (CheckState s : states) {
            devices.add(s.check.device());
        }
        try {
            for (String gone : ledger.retain(devices)) {
                log.event("check ledger: " + gone + " is no longer configured; its outages are dropped");
            }
        } catch (IOException e) {
            ledgerProblem(e);
        }
        for (int i = 0; i < states.size(); i++) {
            CheckState s = states.get(i);
            long every = s.check.every().toNanos();
            long first = every / Math.max(1, states.size()) * i / 4; // a little spread, all in the first quarter
            timer.scheduleAtFixedRate(() -> due(s), first, every, TimeUnit.NANOSECONDS);
        }
        long batch = batchInterval.toNanos();
        timer.scheduleAtFixedRate(() -> sender.execute(this::sendBatch), batch, batch, TimeUnit.NANOSECONDS);
        log.event(states.size() + " check(s): " + describe());
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        for (CheckState s : states) {
            b.append(b.length() == 0 ? "" : ", ").append(s.check.device()).append(" (").append(s.check.probe().target())
                    .append(" every ").append(s.check.every()).append(")");
        }
        return b.toString();
    }

    /** On the timer: hand the check to a worker, unless its last run is still going. */
    private void due(CheckState s) {
        synchronized (s) {
            if (stopped) {
                return;
            }
            if (s.running) {
                s.skippedRuns++;
                return;
            }
            s.running = true;
        }
        workers.execute(() -> runOnce(s));
    }

    /** One run of one check, recorded. Package-visible for tests that drive runs by hand. */
    void runOnce(CheckState s) {
        try {
            long start = System.nanoTime();
            long end = start + s.check.timeout().toNanos();
            ProbeResult r;
            try {
                r = s.check.probe().run(new Deadline(end, timer));
            } catch (RuntimeException e) {
                r = ProbeResult.fail(Cause.UNKNOWN, s.check.probe().target() + ": " + e.getClass().getSimpleName());
            }
            long tookMicros = (System.nanoTime() - start) / 1000;
            if (r.passed() && System.nanoTime() - end > 0) {
                r = ProbeResult.fail(Cause.TIMEOUT, s.check.probe().target() + ": answered after the timeout");
            }
            record(s, r, clock.millis(), tookMicros);
        } finally {
            synchronized (s) {
                s.running = false;
            }
        }
    }

    private void record(CheckState s, ProbeResult r, long now, long tookMicros) {
        Check c = s.check;
        synchronized (s) {
            if (r.passed()) {
                s.failures = 0;
                s.pendingNote = latency(tookMicros) + " " + r.text();
                try {
                    Outage ended = ledger.recordPass(c.device(), now);
                    if (ended != null) {
                        log.event("check " + c.device() + " up again: outage " + ended.id() + " (" + ended.cause().code()
                                + ") lasted " + (ended.end() - ended.start()) / 1000 + " s; it rides the next batch");
                    }
                } catch (IOException e) {
                    ledgerProblem(e);
                }
                if (log.verbose()) {
                    log.beat("check " + c.device() + " ok: " + s.pendingNote);
                }
                return;
            }
            s.failures++;
            if (s.failures == 1) {
                s.firstFailureAt = now;
                s.firstCause = r.cause();
                s.firstDetail = r.text();
            }
            if (s.failures < c.retries()) {
                // Not yet failed: it keeps beating until its N-th consecutive failure (seed 001's rule).
                s.pendingNote = "failure " + s.failures + " of " + c.retries() + ": " + r.cause().code();
                if (log.verbose()) {
                    log.beat("check " + c.device() + " failed (" + s.failures + " of " + c.retries() + "): " + r.text());
                }
                return;
            }
            s.pendingNote = null;
            if (s.failures == c.retries()) {
                try {
                    Outage o = ledger.recordFailure(c.device(), s.firstFailureAt, s.firstCause, cut(s.firstDetail));
                    if (o != null) {
                        log.event("check " + c.device() + " down: " + s.firstCause.code() + " - " + s.firstDetail
                                + " (outage " + o.id() + ")");
                    }
                } catch (IOException e) {
                    ledgerProblem(e);
                }
            }
            log.beat("check " + c.device() + " failed: " + r.text());
        }
    }

    /** On the timer: one batch with every beat queued since the last one. */
    synchronized void sendBatch() {
        List<BatchBody.Item> items = new ArrayList<>();
        for (CheckState s : states) {
            synchronized (s) {
                if (s.pendingNote != null) {
                    items.add(item(s, s.pendingNote, false));
                    s.pendingNote = null;
                }
            }
        }
        post(items);
    }

    /** On a clean stop: no more runs, and one batch saying every check that was up is paused with the agent. */
    public synchronized void stop() {
        stopped = true;
        timer.shutdownNow();
        workers.shutdownNow();
        sender.shutdownNow();
        for (CheckState s : states) {
            s.check.probe().close(); // an icmp check's ping ends with the agent
        }
        List<BatchBody.Item> items = new ArrayList<>();
        for (CheckState s : states) {
            synchronized (s) {
                if (!ledger.isDown(s.check.device())) {
                    items.add(item(s, "stopping with the agent", true));
                }
            }
        }
        post(items);
    }

    private BatchBody.Item item(CheckState s, String note, boolean stopping) {
        Check c = s.check;
        return new BatchBody.Item(c.device(), parent, c.period().toMillis(), c.grace().toMillis(), note, stopping,
                ledger.pending(c.device(), BatchBody.MAX_OUTAGES_PER_ITEM));
    }

    private void post(List<BatchBody.Item> items) {
        if (items.isEmpty()) {
            return;
        }
        BatchBody body = BatchBody.of(clock.millis(), version, items);
        if (fanout) {
            fanOut(body);
            return;
        }
        List<Attempt> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            Attempt a = poster.post(e, body.bytes());
            if (a.ok()) {
                acknowledge(body);
                if (batchFailing) {
                    log.event("checks' batch accepted again by " + e.label());
                }
                batchFailing = false;
                if (log.verbose()) {
                    log.beat("batch of " + body.items().size() + " check beat(s) ok (" + a.detail() + ")");
                }
                return;
            }
            failures.add(a);
        }
        if (!batchFailing) {
            log.event("checks' batch not delivered: " + failures.get(0).detail()
                    + " (the agent's own beat says whether the link is down)");
        }
        batchFailing = true;
    }

    /**
     * Fan-out: the same batch to every stack, with the beat's rule: delivered when any stack
     * answered 2xx (the outages it carried are then acknowledged), not delivered only when none
     * did. A stack that missed it while another answered is logged when that starts and ends;
     * the agent's own beat records that stack's fault in the outage ledger.
     */
    private void fanOut(BatchBody body) {
        List<Attempt> failures = new ArrayList<>();
        Attempt delivered = null;
        for (Endpoint e : endpoints) {
            Attempt a = poster.post(e, body.bytes());
            if (a.ok()) {
                delivered = delivered == null ? a : delivered;
                if (batchMissedBy.remove(e.label())) {
                    log.event("checks' batch accepted again by " + e.label());
                }
            } else {
                failures.add(a);
            }
        }
        if (delivered == null) {
            batchMissedBy.clear();
            if (!batchFailing) {
                log.event("checks' batch not delivered: " + failures.get(0).detail()
                        + " (the agent's own beat says whether the link is down)");
            }
            batchFailing = true;
            return;
        }
        acknowledge(body);
        for (Attempt a : failures) {
            if (batchMissedBy.add(a.endpoint().label())) {
                log.event("checks' batch missed by " + a.endpoint().label() + " (" + a.cause().code() + ": "
                        + a.detail() + ") while " + delivered.endpoint().label() + " answered");
            }
        }
        if (batchFailing) {
            log.event("checks' batch accepted again by " + delivered.endpoint().label());
        }
        batchFailing = false;
        log.beat("batch of " + body.items().size() + " check beat(s) ok (" + delivered.detail() + ", "
                + (endpoints.size() - failures.size()) + " of " + endpoints.size() + " stacks)");
    }

    private void acknowledge(BatchBody body) {
        Map<String, Set<String>> acked = new HashMap<>();
        for (BatchBody.Item i : body.items()) {
            for (Outage o : i.outages()) {
                acked.computeIfAbsent(i.device(), k -> new HashSet<>()).add(o.id());
            }
        }
        if (acked.isEmpty()) {
            return;
        }
        try {
            ledger.acknowledge(acked);
            log.event("endpoint acknowledged the outages of " + acked.size() + " check(s)");
        } catch (IOException e) {
            ledgerProblem(e);
        }
    }

    List<CheckState> states() {
        return states;
    }

    private void ledgerProblem(IOException e) {
        log.event("cannot write the check ledger: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** {@code 0.3 ms} below 10 ms, {@code 42 ms} above: integer arithmetic (no double to text). */
    static String latency(long micros) {
        return micros < 10_000 ? micros / 1000 + "." + micros / 100 % 10 + " ms" : micros / 1000 + " ms";
    }

    private static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            int k = n.incrementAndGet();
            Thread t = new Thread(null, r, !name.equals("heartwatch-check") ? name : name + "-" + k, 256 * 1024);
            t.setDaemon(true);
            return t;
        };
    }
}
