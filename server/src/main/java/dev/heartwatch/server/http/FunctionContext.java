package dev.heartwatch.server.http;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The invocation context {@code Ping} runs in: its logger captures every message instead of
 * printing it, the way the Functions host captures what a function logs and sends each message
 * to {@code traces}. One per request; not shared between threads.
 */
final class FunctionContext implements ExecutionContext {
    private final LineCapture logger = new LineCapture();
    private String invocationId;

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        // Made on demand: Ping never asks, and a random UUID per request costs a shared lock.
        if (invocationId == null) {
            invocationId = UUID.randomUUID().toString();
        }
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return "Ping";
    }

    /** The messages logged at INFO or above, in order, exactly as written. */
    List<String> lines() {
        return logger.messages;
    }

    /**
     * A logger that keeps messages and never builds a {@link LogRecord}. The Application Insights
     * agent instruments {@code Logger.log(LogRecord)} in every logger class (subclasses too): if
     * Ping's lines went through it, an exporting server would send each line twice, once from
     * here and once from {@code heartwatch.lines} (docs/export.md). So the calls Ping makes,
     * {@code info(String)} and {@code log(Level, String)}, and their siblings, stop here.
     */
    private static final class LineCapture extends Logger {
        private final List<String> messages = new ArrayList<>(4);

        LineCapture() {
            super(null, null);
            // No setLevel/setUseParentHandlers: both take the logging framework's global lock,
            // per request; the entry points are overridden instead, so nothing reaches a handler.
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.intValue() >= Level.INFO.intValue();
        }

        @Override
        public void log(Level level, String msg) {
            if (msg != null && isLoggable(level)) {
                messages.add(msg);
            }
        }

        @Override
        public void log(Level level, String msg, Throwable thrown) {
            log(level, msg); // the message only: a stack trace never becomes a line
        }

        @Override
        public void info(String msg) {
            log(Level.INFO, msg);
        }

        @Override
        public void warning(String msg) {
            log(Level.WARNING, msg);
        }

        @Override
        public void severe(String msg) {
            log(Level.SEVERE, msg);
        }

        @Override
        public void log(LogRecord record) {
            // Not reached by Ping (see above); kept so a record logged here is still stored.
            if (record.getMessage() != null && isLoggable(record.getLevel())) {
                messages.add(record.getMessage());
            }
        }
    }
}
