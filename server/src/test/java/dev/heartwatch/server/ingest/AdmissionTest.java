package dev.heartwatch.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.config.ServerConfig.NewDevices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The admission rule alone, time as a parameter; the server's 429 path is NewDeviceAdmissionTest. */
class AdmissionTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final NewDevices LIMITS = new NewDevices(20, 50, 100, Duration.ofMinutes(1), Duration.ofMinutes(10), 3);

    private final Set<String> store = new HashSet<>();

    private Admission admission() {
        return new Admission(LIMITS, Set.copyOf(store), store::contains, Set.of("expected-pi"));
    }

    private static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void oneRequestsNewNamesAreOneUnitSoABatchLargerThanTheBurstPassesWhenTheBucketIsFull() {
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("home.check-", 60), T0),
                "an agent's first batch of its own checks is never refused (issue 17)");
        Admission.Decision next = a.admit("key#1", List.of("other"), T0.plusSeconds(10));
        Admission.Refused refused = assertInstanceOf(Admission.Refused.class, next,
                "the overdraft (60 taken from 50) is repaid before another new name");
        // 10 over + 1 wanted - 10 s of refill (3.33) = 7.67 tokens at 20/min: 23 s.
        assertEquals(Duration.ofSeconds(23), refused.retryAfter());
    }

    @Test
    void aRequestWithSomeNewNamesIsAdmittedWholeOrNotAtAll() {
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("a", 50), T0));
        assertInstanceOf(Admission.Refused.class, a.admit("key#1", List.of("a0", "b0"), T0),
                "b0 is new and the bucket is empty: the request is refused, a0 with it");
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", List.of("a0", "a1"), T0), "only known names: never refused");
    }

    @Test
    void knownAndExpectedDevicesAreNeverMetered() {
        store.add("stored-pi");
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("n", 50), T0));
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", List.of("stored-pi"), T0));
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", List.of("expected-pi"), T0));
        store.add("stored-later"); // e.g. `devices mute --db` beside the running server
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", List.of("stored-later"), T0));
    }

    @Test
    void eachKeyHasItsOwnBucketAndAllKeysShareTheTotal() {
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("a", 50), T0));
        assertInstanceOf(Admission.Admitted.class, a.admit("key#2", names("b", 50), T0), "another key's bucket is full");
        Admission.Refused r = assertInstanceOf(Admission.Refused.class, a.admit("key#3", List.of("c"), T0));
        assertTrue(r.reason().contains("this server"), r.reason());
        // 100 per minute in total: one token after 0.6 s, but key#3's own bucket is full.
        assertInstanceOf(Admission.Admitted.class, a.admit("key#3", List.of("c"), T0.plusSeconds(1)));
    }

    @Test
    void theBucketRefillsWithTimeAndNeverBeyondItsBurst() {
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("a", 50), T0));
        Admission.Refused r = assertInstanceOf(Admission.Refused.class, a.admit("key#1", List.of("x"), T0));
        assertEquals(Duration.ofSeconds(3), r.retryAfter(), "one name at 20 a minute: 3 s");
        assertTrue(r.reason().contains("this key") && r.reason().contains("20 new devices per PT1M"), r.reason());
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", List.of("x"), T0.plusSeconds(3)));
        // An hour later the bucket holds its burst, not 1,200 names.
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("h", 50), T0.plusSeconds(3600)));
        assertInstanceOf(Admission.Refused.class, a.admit("key#1", names("i", 1), T0.plusSeconds(3600)));
    }

    @Test
    void aClockThatStepsBackGivesNothing() {
        Admission a = admission();
        assertInstanceOf(Admission.Admitted.class, a.admit("key#1", names("a", 50), T0));
        assertInstanceOf(Admission.Refused.class, a.admit("key#1", List.of("x"), T0.minusSeconds(3600)));
        assertInstanceOf(Admission.Refused.class, a.admit("key#1", List.of("x"), T0.plusSeconds(1)),
                "time before the last call does not count as refill");
    }
}
