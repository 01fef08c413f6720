package dev.heartwatch.channels;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Waits for one delivery attempt running elsewhere, at most its channel's timeout: at the
 * deadline the attempt is cancelled and the answer is "retry later", so no receiver holds a
 * worker longer than that.
 */
public final class BoundedAttempt {
    private BoundedAttempt() {
    }

    public static <T> DeliveryResult await(Future<T> attempt, Duration timeout, Function<T, DeliveryResult> done,
                                    Function<Throwable, DeliveryResult> failed) {
        try {
            return done.apply(attempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            attempt.cancel(true);
            return DeliveryResult.retry("no answer within " + timeout);
        } catch (InterruptedException e) {
            attempt.cancel(true);
            Thread.currentThread().interrupt();
            return DeliveryResult.retry("interrupted");
        } catch (ExecutionException e) {
            return failed.apply(e.getCause());
        }
    }
}
