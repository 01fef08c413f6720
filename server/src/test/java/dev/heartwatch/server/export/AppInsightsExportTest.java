package dev.heartwatch.server.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.ProbeLine;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppInsightsExportTest {
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Logger logger;

    @BeforeEach
    void attach() {
        logger = Logger.getLogger(AppInsightsExport.LOGGER_NAME);
        logger.addHandler(capture);
    }

    @AfterEach
    void detach() {
        logger.removeHandler(capture);
    }

    @Test
    void logsEachLineAtInfoVerbatimOnTheLinesLogger() {
        String line = "[heartbeat] {\"v\":2,\"ts\":1795300000000,\"device\":\"home\",\"state\":\"running\",\"note\":\"{0} 100%\"}";
        new AppInsightsExport().export(new HeartbeatLine(1795300000000L, "home", "running", null, null, null, null, null, 0, "{0} 100%"));
        assertEquals(1, records.size());
        LogRecord r = records.get(0);
        assertEquals(Level.INFO, r.getLevel());
        assertEquals("heartwatch.lines", r.getLoggerName());
        assertEquals(line, r.getMessage());
        assertNull(r.getParameters(), "no parameters, so nothing formats the braces");
    }

    @Test
    void staysAtInfoWhenTheRootLoggerIsQuieter() {
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.setLevel(Level.WARNING);
        try {
            new AppInsightsExport().export(new ProbeLine(1, null, null));
        } finally {
            root.setLevel(before);
        }
        assertEquals(1, records.size());
    }

    @Test
    void doesNotEchoLinesToTheConsole() {
        new AppInsightsExport();
        assertFalse(logger.getUseParentHandlers());
    }

    @Test
    void skipsNoLine() {
        AppInsightsExport export = new AppInsightsExport();
        export.export(null);
        assertTrue(records.isEmpty());
    }

    @Test
    void exportsOnlyWhenAConnectionStringIsSet() {
        assertInstanceOf(AppInsightsExport.class, AppInsightsExport.fromEnvironment(
                Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=x;IngestionEndpoint=http://127.0.0.1:9/")));
        LineExport none = AppInsightsExport.fromEnvironment(Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", "  "));
        assertFalse(none instanceof AppInsightsExport);
        none.export(new ProbeLine(1, null, null));
        assertTrue(records.isEmpty(), "no export logs nothing");
        assertFalse(AppInsightsExport.fromEnvironment(Map.of()) instanceof AppInsightsExport);
    }
}
