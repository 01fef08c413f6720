package dev.heartwatch.agent;

import java.net.InetAddress;

/** Where the local default gateway is, or null when there is no default route. */
interface GatewaySource {
    InetAddress gateway();
}
