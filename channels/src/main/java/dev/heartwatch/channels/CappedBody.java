package dev.heartwatch.channels;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps at most {@code cap} bytes of an answer's body and stops reading there: a receiver that
 * streams without end cannot fill the server's memory, and a channel needs only the head of an
 * answer (an issue number, an error code).
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
    private final int cap;
    private final byte[] kept;
    private int size;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int cap) {
        this.cap = cap;
        this.kept = new byte[cap];
    }

    static HttpResponse.BodyHandler<String> handler(int cap) {
        return info -> new CappedBody(cap);
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            int n = Math.min(b.remaining(), cap - size);
            b.get(kept, size, n);
            size += n;
        }
        if (size >= cap) {
            subscription.cancel();
            done();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        done();
    }

    private void done() {
        result.complete(new String(kept, 0, size, StandardCharsets.UTF_8));
    }
}
