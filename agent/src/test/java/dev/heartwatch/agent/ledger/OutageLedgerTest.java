package dev.heartwatch.agent.ledger;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


class OutageLedgerTest {
    private static final long MIN = 60_000;
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(output, true, StandardCharsets.UTF_8),
            SecretRedactor.none(), Clock.systemUTC(), false);

    private OutageLedger open() throws Exception {
        return OutageLedger.open(dir.resolve("ledger"), T0, log);
    }

    @Test
    void anOutageRunsFromTheFirstFailedBeatToTheFirstSuccessfulOne() throws Exception {
        OutageLedger l = open();
        l.recordSuccess(T0, Set.of());
        Outage opened = l.recordFailure(T0 + MIN, Cause.REFUSED, "endpoint: refused");
        assertNotNull(opened);
        assertNull(l.recordFailure(T0 + 2 * MIN, Cause.RESET, "later"), "one outage, not one per beat");
        Outage closed = l.recordSuccess(T0 + 3 * MIN, Set.of());
        assertEquals(T0 + MIN, closed.start());
        assertEquals(T0 + 3 * MIN, closed.end());
        assertEquals(Cause.REFUSED, closed.cause());
        assertEquals(List.of(closed), l.pending(20));
    }

    @Test
    void itSurvivesARestartAndForgetsOnlyWhatWasAcknowledged() throws Exception {
        OutageLedger l = open();
        l.recordSuccess(T0, Set.of());
        l.recordFailure(T0 + MIN, Cause.DNS, "detail with spaces % and\nnewline");
        l.recordSuccess(T0 + 2 * MIN, Set.of());
        l.recordFailure(T0 + 3 * MIN, Cause.HTTP_5XX, "second");
        l.recordSuccess(T0 + 4 * MIN, Set.of());

        OutageLedger again = open();
        List<Outage> pending = again.pending(20);
        assertEquals(2, pending.size());
        assertEquals("detail with spaces % and\nnewline", pending.get(0).detail());
        again.recordSuccess(T0 + 5 * MIN, Set.of(pending.get(0).id()));
        assertEquals(List.of(pending.get(1)), open().pending(20));
    }

    @Test
    void aRestartLongAfterTheLastSuccessWithoutACleanStopIsAnAgentNotRunningGap() throws Exception {
        OutageLedger l = open();
        l.recordSuccess(T0, Set.of());
        OutageLedger restarted = open();
        assertTrue(restarted.noticeStartUp(T0 + 10 * MIN, MIN));
        Outage gap = restarted.openOutage();
        assertEquals(Cause.AGENT_NOT_RUNNING, gap.cause());
        assertEquals(T0 + MIN, gap.start(), "the first beat that never happened");
        Outage closed = restarted.recordSuccess(T0 + 10 * MIN, Set.of());
        assertEquals(T0 + 10 * MIN, closed.end());
    }

    @Test
    void aCleanStopOrAShortPauseIsNoGap() throws Exception {
        OutageLedger l = open();
        l.recordSuccess(T0, Set.of());
        assertFalse(open().noticeStartUp(T0 + 2 * MIN, MIN), "two intervals is not yet a gap");
        l.recordCleanStop(T0 + MIN / 2);
        assertFalse(open().noticeStartUp(T0 + 60 * MIN, MIN));
    }

    @Test
    void aCleanStopEndsAnOpenOutage() throws Exception {
        OutageLedger l = open();
        l.recordFailure(T0, Cause.READ_TIMEOUT, "slow");
        l.recordCleanStop(T0 + MIN);
        Outage o = open().pending(20).get(0);
        assertEquals(T0 + MIN, o.end());
    }

    @Test
    void aCorruptLedgerIsKeptAsideWithAClearMessageAndNeverCrashes() throws Exception {
        OutageLedger l = open();
        l.recordFailure(T0, Cause.DNS, "x");
        Path file = dir.resolve("ledger");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("dns", "dnx")); // checksum no longer matches
        OutageLedger fresh = open();
        assertTrue(fresh.pending(20).isEmpty());
        assertNull(fresh.openOutage());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("ledger.corrupt-")));
        }
        assertTrue(output.toString(StandardCharsets.UTF_8).contains("is corrupt"));

        Files.writeString(file, "garbage");
        assertTrue(open().pending(20).isEmpty());
        Files.write(file, new byte[0]);
        assertTrue(open().pending(20).isEmpty());
    }

    @Test
    void noHalfWrittenFileIsLeftBehind() throws Exception {
        OutageLedger l = open();
        for (int i = 0; i < 5; i++) {
            l.recordFailure(T0 + i * 2 * MIN, Cause.RESET, "r" + i);
            l.recordSuccess(T0 + (i * 2 + 1) * MIN, Set.of());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("ledger"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(3, open().pending(3).size());
    }
}
