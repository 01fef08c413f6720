package dev.heartwatch.server.http;

import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Where the dashboard plugs in: {@code /} and every {@code /api/devices...} request that is not a
 * mute or retire go to the handler set here; until one is set, they get 404.
 */
public final class DashboardSlot extends Handler.Abstract implements Supplier<Handler> {
    private volatile Handler handler;

    public void set(Handler dashboard) {
        this.handler = dashboard;
    }

    @Override
    public Handler get() {
        return handler;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Handler h = handler;
        if (h == null || !h.handle(request, response, callback)) {
            Answers.text(response, callback, 404, "not found", false);
        }
        return true;
    }
}
