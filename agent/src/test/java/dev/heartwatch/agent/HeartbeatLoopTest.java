package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeartbeatLoopTest {
    private static final long S = 1_000_000_000L;

    /** Monotonic time that only moves when the loop sleeps or a beat takes time. */
    static final class FakeTicker implements Ticker {
        long now = 1_000 * S;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
        }
    }

    private static final class Beats implements Runnable {
        final FakeTicker ticker;
        final List<Long> at = new ArrayList<>();
        final long[] durations;
        HeartbeatLoop loop;

        Beats(FakeTicker ticker, long... durations) {
            this.ticker = ticker;
            this.durations = durations;
        }

        @Override
        public void run() {
            at.add(ticker.now);
            int i = at.size() - 1;
            if (i < durations.length) {
                ticker.now += durations[i];
            }
            if (at.size() == 8) {
                loop.stop();
            }
        }
    }

    private static Beats run(long jitter, long... durations) {
        FakeTicker t = new FakeTicker();
        Beats beats = new Beats(t, durations);
        beats.loop = new HeartbeatLoop(t, 60 * S, jitter, new Random(1), beats);
        beats.loop.run();
        return beats;
    }

    @Test
    void beatsStayOnTheGridHoweverLongEachBeatTakes() {
        Beats b = run(0, 3 * S, 9 * S, 1, 59 * S);
        long first = b.at.get(0);
        for (int i = 0; i < b.at.size(); i++) {
            assertEquals(first + i * 60 * S, b.at.get(i), "beat " + i);
        }
    }

    @Test
    void afterALongPauseMissedBeatsAreSkippedNotBurst() {
        Beats b = run(0, 0, 10 * 60 * S + 5 * S); // the second beat "hangs" 10 min 5 s
        long first = b.at.get(0);
        assertEquals(first + 60 * S, b.at.get(1));
        assertEquals(first + 12 * 60 * S, b.at.get(2), "next free slot, no catch-up");
        assertEquals(first + 13 * 60 * S, b.at.get(3));
        assertEquals(10, b.loop.skipped());
    }

    @Test
    void jitterIsSmallAndNeverAccumulates() {
        long jitter = HeartbeatLoop.jitterFor(60 * S);
        assertEquals(1 * S, jitter);
        Beats b = run(jitter);
        long first = b.at.get(0);
        for (int i = 1; i < b.at.size(); i++) {
            long offset = b.at.get(i) - (first + i * 60 * S);
            assertTrue(offset >= 0 && offset < jitter, "beat " + i + " off the grid by " + offset);
        }
    }
}
