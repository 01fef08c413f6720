package dev.heartwatch.server.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request line or URI, headers too large, a failed
 * handler) in the routes' plain-text form: the status's reason phrase only, never Jetty's HTML
 * page, its message (it may quote the request) or a stack trace.
 */
final class PlainErrors implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        if (status < 400 || status > 599) {
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
        }
        Answers.text(response, callback, status, HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT), true);
        return true;
    }
}
