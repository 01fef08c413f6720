package dev.heartwatch.agent;

import java.net.InetAddress;

/** Whether something at the gateway's address answered at all. */
interface GatewayProber {
    boolean answers(InetAddress gateway);
}
