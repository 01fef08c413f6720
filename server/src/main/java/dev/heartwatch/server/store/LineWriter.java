package dev.heartwatch.server.store;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.OutageLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 */
public final class LineWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LineWriter.class.getName());
    /** Lines per transaction at most; bounded so one commit never stalls the others for long. */
    static final int MAX_BATCH_REQUESTS = 2048;

    private record Pending(List<StoredLine> lines, CompletableFuture<Void> committed) {
    }

    private static final Pending STOP = new Pending(List.of(), new CompletableFuture<>());

    private final Connection connection;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean closed;

    LineWriter(Connection connection, int queueCapacity) {
        this.connection = connection;
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
        if (closed || !queue.offer(new Pending(lines.stream().map(LineWriter::stored).toList(), done))) {
            done.completeExceptionally(new StoreUnavailableException(closed ? "store closed" : "write queue full"));
        }
        return done;
    }

    /** Interim, until the typed store lands: the canonical text plus the columns, from the typed line (no parsing). */
    private static StoredLine stored(ContractLine line) {
        String device = line instanceof HeartbeatLine h ? h.device() : line instanceof OutageLine o ? o.device() : null;
        boolean stopping = line instanceof HeartbeatLine h && h.stopping();
        return new StoredLine(LineCodec.encode(line), line.ts(), line.kind(), device, stopping);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        try (PreparedStatement insertLine = connection.prepareStatement(
                "INSERT INTO lines(ts, kind, device, stopping, text) VALUES (?,?,?,?,?)");
             PreparedStatement upsertDevice = connection.prepareStatement(
                     "INSERT INTO devices(device, first_seen, last_seen, last_stopping) VALUES (?,?,?,?) "
                             + "ON CONFLICT(device) DO UPDATE SET last_seen = excluded.last_seen, "
                             + "last_stopping = excluded.last_stopping WHERE excluded.last_seen >= devices.last_seen")) {
            while (true) {
                batch.clear();
                Pending first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH_REQUESTS - 1);
                boolean stop = batch.removeIf(p -> p == STOP);
                write(batch, insertLine, upsertDevice);
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

    private void write(List<Pending> batch, PreparedStatement insertLine, PreparedStatement upsertDevice) {
        try {
            Map<String, StoredLine> lastBeat = new HashMap<>();
            // A new device's first_seen is its earliest beat in the batch, not its latest.
            Map<String, Long> firstBeat = new HashMap<>();
            for (Pending p : batch) {
                for (StoredLine l : p.lines()) {
                    insertLine.setLong(1, l.ts());
                    insertLine.setString(2, l.kind());
                    insertLine.setString(3, l.device());
                    insertLine.setInt(4, l.stopping() ? 1 : 0);
                    insertLine.setString(5, l.text());
                    insertLine.addBatch();
                    if ("heartbeat".equals(l.kind())) {
                        lastBeat.merge(l.device(), l, (a, b) -> b.ts() >= a.ts() ? b : a);
                        firstBeat.merge(l.device(), l.ts(), Math::min);
                    }
                }
            }
            insertLine.executeBatch();
            for (StoredLine l : lastBeat.values()) {
                upsertDevice.setString(1, l.device());
                upsertDevice.setLong(2, firstBeat.get(l.device()));
                upsertDevice.setLong(3, l.ts());
                upsertDevice.setInt(4, l.stopping() ? 1 : 0);
                upsertDevice.addBatch();
            }
            upsertDevice.executeBatch();
            connection.commit();
            batch.forEach(p -> p.committed().complete(null));
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // The transaction is gone either way; every request in it is failed below.
            }
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
