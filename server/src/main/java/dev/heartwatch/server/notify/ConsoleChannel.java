package dev.heartwatch.server.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import java.io.PrintStream;

/** Always on: one line per alert on standard output. */
public final class ConsoleChannel implements NotificationChannel {
    private final PrintStream out;

    public ConsoleChannel(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        out.println("ALERT " + (m.fired() ? "FIRED" : "RESOLVED") + " " + m.subject());
        out.flush();
        return DeliveryResult.delivered();
    }
}
