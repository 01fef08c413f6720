package dev.heartwatch.agent.cause;

import java.net.InetAddress;

/** Where the local default gateway is, or null when there is no default route. */
public interface GatewaySource {
    InetAddress gateway();
}
