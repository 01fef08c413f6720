package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.rule.BeatSchedule;
import dev.heartwatch.core.rule.RunSignals;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: the single thread that writes lines. Requests hand it their lines and wait for
 * the commit of the transaction that holds them; the thread drains every request waiting at that
 * moment into one transaction, so one fsync acknowledges many heartbeats. A request is answered
 * only after its lines are committed (with {@code synchronous=FULL}: on disk), never before.
 * The same transaction keeps each device's last beat and its {@linkplain BeatRuns runs}, so the
 * rollup never disagrees with the beats.
 *
 * <p>With a {@link WalSync} (the default, {@code synchronous=FULL}), the commit does not sync:
 * committed batches go to a second thread, which syncs the WAL once for all of them and then
 * acknowledges them, while the first thread already writes the next batch. A failed sync fails
 * its batches and closes the writer: after an fsync error the kernel may have dropped the pages,
 * so nothing more is acknowledged until the server is restarted and SQLite recovers the file.
 */
public final class LineWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LineWriter.class.getName());
    /** Lines per transaction at most; bounded so one commit never stalls the others for long. */
    static final int MAX_BATCH_REQUESTS = 2048;

    private record Pending(List<ContractLine> lines, CompletableFuture<Void> committed) {
    }

    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final Connection connection;
    private final BeatRuns runs;
    private final BlockingQueue<Pending> queue;
    private final WalSync walSync;
    /** Committed, waiting for the WAL sync; unbounded, but never more than {@code queue} held. */
    private final BlockingQueue<List<Pending>> committed = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Thread syncThread;
    private volatile boolean closed;
    /** Set by the first failed WAL sync; from then on nothing is acknowledged. */
    private volatile boolean syncFailed;

    /**
     * @param walSync null when each commit is durable by itself (or durability is not asked for):
     *                requests are then acknowledged at their commit
     */
    LineWriter(Connection connection, int queueCapacity, Duration runThreshold, WalSync walSync) {
        this.connection = connection;
        this.runs = new BeatRuns(runThreshold);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.walSync = walSync;
        this.thread = new Thread(this::run, "heartwatch-line-writer");
        this.thread.setDaemon(true);
        this.syncThread = walSync == null ? null : new Thread(this::syncCommitted, "heartwatch-wal-sync");
        if (syncThread != null) {
            syncThread.setDaemon(true);
            syncThread.start();
        }
        this.thread.start();
    }

    /**
     * Queues the lines of one request; the future completes when they are committed, or
     * exceptionally when they could not be (the caller must then not acknowledge). A full queue
     * fails at once: the server is overloaded and the client should retry.
     */
    public CompletableFuture<Void> submit(List<ContractLine> lines) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (lines.isEmpty()) {
            done.complete(null);
            return done;
        }
        if (closed || !queue.offer(new Pending(List.copyOf(lines), done))) {
            done.completeExceptionally(new StoreUnavailableException(closed ? "store closed" : "write queue full"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        try (LineInserts inserts = new LineInserts(connection);
             ReportChecks reportChecks = new ReportChecks(connection);
             PreparedStatement upsertDevice = connection.prepareStatement(DeviceRepository.UPSERT_LAST_BEAT)) {
            while (true) {
                batch.clear();
                Pending first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH_REQUESTS - 1);
                boolean stop = batch.removeIf(p -> p == STOP);
                write(batch, inserts, reportChecks, upsertDevice);
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "line writer cannot prepare its statements: " + e.getMessage());
        } finally {
            closed = true;
            StoreUnavailableException gone = new StoreUnavailableException("store closed");
            batch.forEach(p -> p.committed().completeExceptionally(gone));
            List<Pending> rest = new ArrayList<>();
            queue.drainTo(rest);
            rest.forEach(p -> p.committed().completeExceptionally(gone));
        }
    }

    /**
     * One transaction: the lines into their tables, each device's runs and last beat, then each
     * outage report checked against them. Every request in it completes at its commit, or fails
     * with it.
     */
    private void write(List<Pending> batch, LineInserts inserts, ReportChecks reportChecks, PreparedStatement upsertDevice) {
        try {
            Database.inTransaction(connection, c -> {
                Map<String, HeartbeatLine> lastBeat = new HashMap<>();
                // A new device's first_seen is its earliest beat in the batch, not its latest.
                Map<String, Long> firstBeat = new HashMap<>();
                Map<String, Long> lastRunning = new HashMap<>();
                // Starts and fails (contract v2) are rare: a map of their own, empty for a v1 batch,
                // whose last success per device is its last running beat (no work more per beat).
                Map<String, RunSignals> signals = new HashMap<>();
                // Each device's latest beat with a durationMs (contract v2), for its devices row.
                Map<String, HeartbeatLine> measured = new HashMap<>();
                List<OutageLine> reports = new ArrayList<>();
                for (Pending p : batch) {
                    for (ContractLine l : p.lines()) {
                        inserts.add(l);
                    }
                }
                // Write first, read after: the first write takes the write lock (waiting busy_timeout
                // if it must). A transaction that read a new device's runs first could not write
                // once the evaluator had committed meanwhile: SQLite answers SQLITE_BUSY at once
                // to a deferred transaction whose snapshot is stale (SQLITE_BUSY_SNAPSHOT,
                // sqlite.org/rescode.html; issue 14 D4).
                inserts.execute();
                for (Pending p : batch) {
                    for (ContractLine l : p.lines()) {
                        if (l instanceof HeartbeatLine h) {
                            runs.add(c, h.device(), h.ts(), h.stopping(), BeatSchedule.ofMillis(h.periodMs(), h.graceMs()).orElse(null));
                            lastBeat.merge(h.device(), h, (a, b) -> b.ts() >= a.ts() ? b : a);
                            firstBeat.merge(h.device(), h.ts(), Math::min);
                            if (!h.stopping()) {
                                lastRunning.merge(h.device(), h.ts(), Math::max);
                            }
                            if (h.start() || h.fail()) {
                                signals.merge(h.device(), signal(h), LineWriter::later);
                            }
                            if (h.durationMs() != null) {
                                measured.merge(h.device(), h, (a, b) -> b.ts() >= a.ts() ? b : a);
                            }
                        } else if (l instanceof OutageLine o) {
                            reports.add(o);
                        }
                    }
                }
                runs.flush(c);
                if (!signals.isEmpty()) {
                    lastSuccesses(batch, signals);
                }
                for (HeartbeatLine h : lastBeat.values()) {
                    DeviceRepository.bindLastBeat(upsertDevice, h, firstBeat.get(h.device()), lastRunning.get(h.device()),
                            signals.getOrDefault(h.device(), successOnly(lastRunning.get(h.device()))),
                            measured.get(h.device()));
                    upsertDevice.addBatch();
                }
                upsertDevice.executeBatch();
                for (OutageLine o : reports) {
                    reportChecks.check(o);
                }
                return null;
            });
            if (walSync == null) {
                batch.forEach(p -> p.committed().complete(null));
            } else {
                committed.add(List.copyOf(batch));
            }
        } catch (RuntimeException e) {
            runs.forget();
            LOG.log(Level.WARNING, "a batch of " + batch.size() + " requests was not stored: " + e.getMessage());
            StoreUnavailableException failed = new StoreUnavailableException("not stored");
            batch.forEach(p -> p.committed().completeExceptionally(failed));
        }
    }

    /** One beat's contract-v2 signal: a start, or a fail with its exit status. */
    private static RunSignals signal(HeartbeatLine h) {
        Instant at = Instant.ofEpochMilli(h.ts());
        return h.fail() ? new RunSignals(null, null, at, h.exitStatus()) : new RunSignals(null, at, null, null);
    }

    /** A device without a start or fail in the batch: its last running beat is its last success. */
    private static RunSignals successOnly(Long lastRunning) {
        return lastRunning == null ? RunSignals.none() : new RunSignals(Instant.ofEpochMilli(lastRunning), null, null, null);
    }

    /** The devices with a start or fail in the batch (rare) get their last success from a second pass. */
    private static void lastSuccesses(List<Pending> batch, Map<String, RunSignals> signals) {
        Map<String, Long> success = new HashMap<>();
        for (Pending p : batch) {
            for (ContractLine l : p.lines()) {
                if (l instanceof HeartbeatLine h && h.success() && signals.containsKey(h.device())) {
                    success.merge(h.device(), h.ts(), Math::max);
                }
            }
        }
        for (Map.Entry<String, Long> e : success.entrySet()) {
            RunSignals s = signals.get(e.getKey());
            signals.put(e.getKey(), new RunSignals(Instant.ofEpochMilli(e.getValue()), s.lastStart(), s.lastFail(), s.failExitStatus()));
        }
    }

    /** Each of a device's signals in a batch, the latest one (a fail's exit status with its fail). */
    private static RunSignals later(RunSignals a, RunSignals b) {
        boolean bFail = b.lastFail() != null && (a.lastFail() == null || !b.lastFail().isBefore(a.lastFail()));
        return new RunSignals(max(a.lastSuccess(), b.lastSuccess()), max(a.lastStart(), b.lastStart()),
                bFail ? b.lastFail() : a.lastFail(), bFail ? b.failExitStatus() : a.failExitStatus());
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /**
     * The second thread: one WAL sync for every batch committed since the last, then their
     * acknowledgements. It ends after the writer has ended and everything committed is synced.
     */
    private void syncCommitted() {
        List<List<Pending>> ready = new ArrayList<>();
        try {
            while (true) {
                ready.clear();
                List<Pending> first = committed.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!thread.isAlive() && committed.isEmpty()) {
                        return;
                    }
                    continue;
                }
                ready.add(first);
                committed.drainTo(ready);
                if (syncFailed) {
                    // Frames after a lost one are unreadable to recovery (the WAL's checksums chain): none counts.
                    StoreUnavailableException failed = new StoreUnavailableException("not synced to disk");
                    ready.forEach(b -> b.forEach(p -> p.committed().completeExceptionally(failed)));
                    continue;
                }
                try {
                    walSync.force();
                } catch (IOException e) {
                    syncFailed = true;
                    closed = true;
                    LOG.log(Level.SEVERE, "the write-ahead log could not be synced (" + e.getMessage()
                            + "); nothing more is acknowledged until heartwatch-server is restarted");
                    StoreUnavailableException failed = new StoreUnavailableException("not synced to disk");
                    ready.forEach(b -> b.forEach(p -> p.committed().completeExceptionally(failed)));
                    continue;
                }
                ready.forEach(b -> b.forEach(p -> p.committed().complete(null)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            StoreUnavailableException gone = new StoreUnavailableException("store closed");
            ready.forEach(b -> b.forEach(p -> p.committed().completeExceptionally(gone)));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            queue.put(STOP);
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (syncThread != null) {
                syncThread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
