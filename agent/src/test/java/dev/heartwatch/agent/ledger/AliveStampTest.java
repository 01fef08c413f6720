package dev.heartwatch.agent.ledger;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.common.SecretRedactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** A plain successful beat only stamps its time; reopening takes the newer of stamp and ledger. */
class AliveStampTest {
    private static final long MIN = 60_000;
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(output, true, StandardCharsets.UTF_8),
            SecretRedactor.none(), Clock.systemUTC(), false);

    private Path ledgerFile() {
        return dir.resolve("ledger");
    }

    private Path stampFile() {
        return dir.resolve("ledger.alive");
    }

    private OutageLedger open() throws Exception {
        return OutageLedger.open(ledgerFile(), T0, log);
    }

    /** A started ledger (start-up writes it whole) with plain successes at minutes 1..n. */
    private OutageLedger startedWithSuccesses(int n) throws Exception {
        OutageLedger l = open();
        l.noticeStartUp(T0, MIN);
        for (int i = 1; i <= n; i++) {
            l.recordSuccess(T0 + i * MIN, Set.of());
        }
        return l;
    }

    private String slotText(long seq) throws Exception {
        byte[] all = Files.readAllBytes(stampFile());
        int at = (int) (seq & 1) * AliveStamp.SLOT_STRIDE;
        return new String(all, at, AliveStamp.SLOT_BYTES, StandardCharsets.US_ASCII);
    }

    /** A time as a slot holds it: nineteen digits. */
    private static String digits(long millis) {
        return String.format("%019d", millis);
    }

    private void overwrite(long position, String text) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(stampFile().toFile(), "rw")) {
            f.seek(position);
            f.write(text.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private int count(String needle) {
        String all = output.toString(StandardCharsets.UTF_8);
        return all.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Test
    void plainSuccessesLeaveTheLedgerUntouchedAndAdvanceTheStamp() throws Exception {
        OutageLedger l = startedWithSuccesses(1);
        byte[] before = Files.readAllBytes(ledgerFile());
        for (int i = 2; i <= 6; i++) {
            l.recordSuccess(T0 + i * MIN, Set.of());
        }
        l.close();
        assertArrayEquals(before, Files.readAllBytes(ledgerFile()), "a plain success must not rewrite the ledger");

        AliveStamp.Reading stamp = AliveStamp.read(stampFile());
        assertEquals(6, stamp.seq());
        assertEquals(T0 + 6 * MIN, stamp.millis());
        String newest = slotText(6);
        assertTrue(newest.matches("hw-alive1 0{18}6 " + digits(T0 + 6 * MIN) + " [0-9a-f]{8}\n"), newest);
        assertTrue(slotText(5).contains(" " + digits(T0 + 5 * MIN) + " "), "the other slot keeps the previous beat");

        OutageLedger restarted = open(); // no clean stop: as after kill -9
        assertEquals(T0 + 6 * MIN, restarted.lastSuccess());
        assertTrue(restarted.noticeStartUp(T0 + 20 * MIN, MIN));
        assertEquals(T0 + 7 * MIN, restarted.openOutage().start(), "the gap starts after the last stamped beat");
        restarted.close();
    }

    @Test
    void aTornNewestSlotFallsBackToTheOtherSlot() throws Exception {
        startedWithSuccesses(3).close();
        long newest = AliveStamp.read(stampFile()).seq();
        assertEquals(3, newest);
        // A power cut mid-write: the time's digits changed, the checksum no longer matches.
        overwrite((newest & 1) * AliveStamp.SLOT_STRIDE + 32, "99999");

        OutageLedger l = open();
        assertEquals(T0 + 2 * MIN, l.lastSuccess(), "the previous beat's slot");
        assertEquals(0, count("alive stamp"), output.toString(StandardCharsets.UTF_8));
        l.recordSuccess(T0 + 4 * MIN, Set.of());
        l.close();
        assertTrue(slotText(2).contains(" " + digits(T0 + 2 * MIN) + " "),
                "the torn slot is rewritten, not the good one");
        assertEquals(T0 + 4 * MIN, AliveStamp.read(stampFile()).millis());
    }

    @Test
    void bothSlotsGarbageMeanTheLedgersOwnTimeAndOneLogLine() throws Exception {
        OutageLedger l = open();
        l.noticeStartUp(T0, MIN);
        l.recordFailure(T0 + MIN, Cause.REFUSED, "refused");
        l.recordSuccess(T0 + 2 * MIN, Set.of()); // closes the outage: a full write
        l.recordSuccess(T0 + 3 * MIN, Set.of());
        l.recordSuccess(T0 + 4 * MIN, Set.of());
        l.close();
        Files.writeString(stampFile(), "x".repeat(700));

        OutageLedger again = open();
        assertEquals(T0 + 2 * MIN, again.lastSuccess());
        assertEquals(1, count("holds no valid time"), output.toString(StandardCharsets.UTF_8));
        assertEquals(1, again.pending(20).size(), "the ledger itself is intact");
        again.recordSuccess(T0 + 5 * MIN, Set.of());
        again.close();
        assertEquals(T0 + 5 * MIN, open().lastSuccess(), "stamping goes on over the garbage");
    }

    @Test
    void aTruncatedOrEmptyStampIsNoCrash() throws Exception {
        startedWithSuccesses(2).close(); // seq 1 in the second slot, seq 2 in the first
        byte[] full = Files.readAllBytes(stampFile());

        Files.write(stampFile(), java.util.Arrays.copyOf(full, AliveStamp.SLOT_BYTES));
        assertEquals(T0 + 2 * MIN, open().lastSuccess(), "the first slot alone still counts");

        Files.write(stampFile(), java.util.Arrays.copyOf(full, 20));
        OutageLedger cut = open();
        assertEquals(-1, cut.lastSuccess(), "start-up wrote the ledger before any success");
        assertFalse(cut.noticeStartUp(T0 + 60 * MIN, MIN));

        Files.write(stampFile(), new byte[0]);
        assertEquals(-1, open().lastSuccess());
        assertEquals(2, count("holds no valid time"));
    }

    @Test
    void aStampOlderThanTheLedgersLastSuccessLoses() throws Exception {
        OutageLedger l = startedWithSuccesses(2);
        l.recordFailure(T0 + 3 * MIN, Cause.DNS, "dns");
        l.recordSuccess(T0 + 4 * MIN, Set.of()); // full write: lastSuccess at minute 4, stamp still at 2
        l.close();
        assertEquals(T0 + 2 * MIN, AliveStamp.read(stampFile()).millis());
        assertEquals(T0 + 4 * MIN, open().lastSuccess());
    }

    @Test
    void aStampThatCannotBeWrittenFallsBackToTheWholeLedger() throws Exception {
        Files.createDirectory(stampFile()); // neither readable nor writable as a file
        OutageLedger l = open();
        l.noticeStartUp(T0, MIN);
        for (int i = 1; i <= 3; i++) {
            l.recordSuccess(T0 + i * MIN, Set.of());
        }
        l.close();
        OutageLedger again = open();
        assertEquals(T0 + 3 * MIN, again.lastSuccess(), "the ledger took every beat");
        assertEquals(1, count("cannot write the alive stamp"), "said once, not at every beat");
    }

    @Test
    void aStateChangeStillRewritesTheLedgerWithTheLastSuccess() throws Exception {
        OutageLedger l = startedWithSuccesses(3);
        byte[] before = Files.readAllBytes(ledgerFile());
        l.recordFailure(T0 + 4 * MIN, Cause.RESET, "reset");
        l.close();
        String text = Files.readString(ledgerFile());
        assertFalse(java.util.Arrays.equals(before, text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(text.contains("lastSuccess " + (T0 + 3 * MIN) + "\n"), text);
        Files.delete(stampFile());
        OutageLedger again = open();
        assertEquals(T0 + 3 * MIN, again.lastSuccess(), "the full write carries the stamped time");
        assertEquals(Cause.RESET, again.openOutage().cause());
    }

    @Test
    void aLedgerWriteThatFailedIsRedoneByTheNextSuccessNotMerelyStamped() throws Exception {
        OutageLedger l = open();
        l.noticeStartUp(T0, MIN);
        l.recordFailure(T0 + MIN, Cause.REFUSED, "refused");
        l.recordSuccess(T0 + 2 * MIN, Set.of());
        String id = l.pending(20).get(0).id();
        Path tmp = dir.resolve("ledger.tmp");
        Files.createDirectory(tmp); // the acknowledgement's write fails
        assertThrows(IOException.class, () -> l.recordSuccess(T0 + 3 * MIN, Set.of(id)));
        Files.delete(tmp);
        l.recordSuccess(T0 + 4 * MIN, Set.of()); // plain, but the ledger on disk is behind
        l.close();
        OutageLedger again = open();
        assertTrue(again.pending(20).isEmpty(), "the acknowledged outage is gone from the ledger on disk");
        assertEquals(T0 + 4 * MIN, again.lastSuccess());
    }
}
