package dev.heartwatch.agent.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A name lookup never holds a beat past its deadline (the system resolver stood in for by a lookup that hangs). */
class BoundedResolverTest {
    private static long in(long millis) {
        return System.nanoTime() + millis * 1_000_000L;
    }

    @Test
    void aLookupThatHangsFailsAsDnsAtTheDeadline() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        BoundedResolver r = new BoundedResolver(host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        });
        long t0 = System.nanoTime();
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.resolve("hw.heartwatch.test", in(300)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 250 && ms < 1500, "waited " + ms + " ms for a 300 ms deadline");
        assertTrue(e.getMessage().contains("within the timeout"), e.getMessage());
        never.countDown();
    }

    @Test
    void lookupsThatStillHangAreCappedSoThreadsDoNotPileUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        BoundedResolver r = new BoundedResolver(host -> {
            started.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        });
        for (int i = 0; i < BoundedResolver.MAX_STUCK; i++) {
            assertThrows(UnknownHostException.class, () -> r.resolve("hw.heartwatch.test", in(20)));
        }
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.resolve("hw.heartwatch.test", in(5000)));
        assertTrue(e.getMessage().contains("not answering"), e.getMessage());
        assertEquals(BoundedResolver.MAX_STUCK, started.get(), "no new thread while the cap is reached");
        release.countDown();
        long until = System.nanoTime() + 2_000_000_000L;
        InetAddress[] got = null;
        while (got == null && System.nanoTime() < until) {
            try {
                got = r.resolve("hw.heartwatch.test", in(1000));
            } catch (UnknownHostException stillCapped) {
                Thread.sleep(20);
            }
        }
        assertArrayEquals(new InetAddress[] {InetAddress.getLoopbackAddress()}, got, "lookups resume once the resolver answers");
    }

    @Test
    void answersAndFailuresPassThroughAndAddressesAreNeverLookedUp() throws Exception {
        InetAddress[] two = {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("::1")};
        BoundedResolver r = new BoundedResolver(host -> {
            if (host.equals("two.heartwatch.test")) {
                return two;
            }
            if (dev.heartwatch.common.IpLiteral.parse(host) != null) {
                throw new AssertionError("an address was handed to the resolver: " + host);
            }
            throw new UnknownHostException(host + " (from the resolver)");
        });
        assertArrayEquals(two, r.resolve("two.heartwatch.test", in(1000)));
        assertEquals("from the resolver", assertThrows(UnknownHostException.class,
                () -> r.resolve("none.heartwatch.test", in(1000))).getMessage().replaceAll(".*\\((.*)\\)", "$1"));
        assertArrayEquals(new InetAddress[] {InetAddress.getByName("127.0.0.1")}, r.resolve("127.0.0.1", in(1000)));
        assertArrayEquals(new InetAddress[] {InetAddress.getByName("::1")}, r.resolve("::1", in(1000)));
    }
}
