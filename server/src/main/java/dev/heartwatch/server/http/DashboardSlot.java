package dev.heartwatch.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Where the dashboard plugs in: {@code /} and every {@code /api/devices...} request that is not a
 * mute or retire go to the handler set here; until one is set, they get 404.
 */
public final class DashboardSlot implements HttpHandler, Supplier<HttpHandler> {
    private volatile HttpHandler handler;

    public void set(HttpHandler dashboard) {
        this.handler = dashboard;
    }

    @Override
    public HttpHandler get() {
        return handler;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        HttpHandler h = handler;
        Exchanges.consumeEmptyBody(ex);
        if (h == null) {
            Exchanges.text(ex, 404, "not found", false);
        } else {
            h.handle(ex);
        }
    }
}
