package dev.heartwatch.agent.cause;

import java.net.InetAddress;

/** Whether something at the gateway's address answered at all. */
public interface GatewayProber {
    boolean answers(InetAddress gateway);
}
