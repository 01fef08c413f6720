package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.OutageLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
    private final Thread thread;
    private volatile boolean closed;

    LineWriter(Connection connection, int queueCapacity, Duration runThreshold) {
        this.connection = connection;
        this.runs = new BeatRuns(runThreshold);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "heartwatch-line-writer");
        this.thread.setDaemon(true);
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
                List<OutageLine> reports = new ArrayList<>();
                for (Pending p : batch) {
                    for (ContractLine l : p.lines()) {
                        inserts.add(l);
                        if (l instanceof HeartbeatLine h) {
                            runs.add(c, h.device(), h.ts(), h.stopping());
                            lastBeat.merge(h.device(), h, (a, b) -> b.ts() >= a.ts() ? b : a);
                            firstBeat.merge(h.device(), h.ts(), Math::min);
                            if (!h.stopping()) {
                                lastRunning.merge(h.device(), h.ts(), Math::max);
                            }
                        } else if (l instanceof OutageLine o) {
                            reports.add(o);
                        }
                    }
                }
                inserts.execute();
                runs.flush(c);
                for (HeartbeatLine h : lastBeat.values()) {
                    DeviceRepository.bindLastBeat(upsertDevice, h, firstBeat.get(h.device()), lastRunning.get(h.device()));
                    upsertDevice.addBatch();
                }
                upsertDevice.executeBatch();
                for (OutageLine o : reports) {
                    reportChecks.check(o);
                }
                return null;
            });
            batch.forEach(p -> p.committed().complete(null));
        } catch (RuntimeException e) {
            runs.forget();
            LOG.log(Level.WARNING, "a batch of " + batch.size() + " requests was not stored: " + e.getMessage());
            StoreUnavailableException failed = new StoreUnavailableException("not stored");
            batch.forEach(p -> p.committed().completeExceptionally(failed));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            queue.put(STOP);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
