package dev.heartwatch.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every path of heartwatch-server, by prefix: the ping, the history lines, the admin API under
 * {@code /api/devices} (which hands the rest to the dashboard), the registry admin API under
 * {@code /api/registry}, and the dashboard for the rest.
 */
public final class Routes extends Handler.Abstract {
    private final Handler ping;
    private final Handler history;
    private final Handler devices;
    private final Handler registry;
    private final Handler dashboard;

    /** Without the registry API (its paths go to the dashboard). */
    public Routes(Handler ping, Handler history, Handler devices, Handler dashboard) {
        this(ping, history, devices, dashboard, dashboard);
    }

    public Routes(Handler ping, Handler history, Handler devices, Handler registry, Handler dashboard) {
        this.ping = ping;
        this.history = history;
        this.devices = devices;
        this.registry = registry;
        this.dashboard = dashboard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        Handler target = path.startsWith(PingHandler.PATH) ? ping
                : HistoryLinesHandler.serves(path) ? history
                : path.startsWith("/api/devices") ? devices
                : RegistryHandler.owns(path) ? registry
                : dashboard;
        return target.handle(request, response, callback);
    }
}
