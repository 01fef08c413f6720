package dev.heartwatch.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every path of heartwatch-server, by prefix: the ping, the history lines, the admin API under
 * {@code /api/devices} (which hands the rest to the dashboard), and the dashboard for the rest.
 */
public final class Routes extends Handler.Abstract {
    private final Handler ping;
    private final Handler history;
    private final Handler devices;
    private final Handler dashboard;

    public Routes(Handler ping, Handler history, Handler devices, Handler dashboard) {
        this.ping = ping;
        this.history = history;
        this.devices = devices;
        this.dashboard = dashboard;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        Handler target = path.startsWith(PingHandler.PATH) ? ping
                : HistoryLinesHandler.serves(path) ? history
                : path.startsWith("/api/devices") ? devices
                : dashboard;
        return target.handle(request, response, callback);
    }
}
