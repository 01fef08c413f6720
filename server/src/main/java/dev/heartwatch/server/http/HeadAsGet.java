package dev.heartwatch.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code HEAD} answered as {@code GET} on every route but the ping (RFC 9110 section 9.3.2: the
 * same status and headers, no body): the routes see a {@code GET}, and Jetty, which knows the
 * request was a {@code HEAD}, sends the head of their answer and drops its body. A {@code HEAD}
 * on {@code /api/ping} stays a {@code HEAD}, which {@link PingHandler} refuses with {@code 405}
 * and {@code Allow: GET, POST}: a {@code GET} there records a heartbeat or a probe, and a
 * {@code HEAD} must never record anything.
 */
public final class HeadAsGet extends Handler.Wrapper {
    public HeadAsGet(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"HEAD".equals(request.getMethod()) || request.getHttpURI().getPath().startsWith(PingHandler.PATH)) {
            return super.handle(request, response, callback);
        }
        return super.handle(new Request.Wrapper(request) {
            @Override
            public String getMethod() {
                return "GET";
            }
        }, response, callback);
    }
}
