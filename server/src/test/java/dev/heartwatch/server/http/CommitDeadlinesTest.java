package dev.heartwatch.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ping's commit deadline: failed at its deadline, not before; settled pings leave the queue. */
class CommitDeadlinesTest {
    final AtomicLong now = new AtomicLong(1_000);
    final CommitDeadlines deadlines = new CommitDeadlines(now::get);

    @Test
    void anUnsettledCommitFailsAtItsDeadlineAndNotBefore() {
        CompletableFuture<Void> commit = deadlines.watch(new CompletableFuture<>(), 500);
        now.set(1_499);
        assertEquals(0, deadlines.sweep());
        assertFalse(commit.isDone(), "one nanosecond before the deadline it still waits");
        now.set(1_500);
        assertEquals(1, deadlines.sweep());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, commit::get);
        assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause());
        assertEquals(0, deadlines.held());
    }

    @Test
    void aCommitThatCameInTimeIsNeverFailedAndLeavesTheQueue() {
        CompletableFuture<Void> first = deadlines.watch(new CompletableFuture<>(), 500);
        now.set(1_100);
        CompletableFuture<Void> second = deadlines.watch(new CompletableFuture<>(), 500);
        first.complete(null);
        second.complete(null);
        now.set(10_000);
        assertEquals(0, deadlines.sweep());
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertTrue(second.isDone() && !second.isCompletedExceptionally());
        assertEquals(0, deadlines.held());
    }

    @Test
    void anAlreadySettledCommitIsNotHeldAndALaterOneWaitsBehindAnUnsettledHead() {
        deadlines.watch(CompletableFuture.completedFuture(null), 500);
        assertEquals(0, deadlines.held(), "a commit done before it is watched is not queued");
        CompletableFuture<Void> head = deadlines.watch(new CompletableFuture<>(), 500);
        now.set(1_200);
        CompletableFuture<Void> next = deadlines.watch(new CompletableFuture<>(), 500);
        now.set(1_600);
        assertEquals(1, deadlines.sweep(), "the head expired at 1,500; the next one is due at 1,700");
        assertTrue(head.isCompletedExceptionally());
        assertFalse(next.isDone());
        now.set(1_700);
        assertEquals(1, deadlines.sweep());
        assertTrue(next.isCompletedExceptionally());
    }
}
