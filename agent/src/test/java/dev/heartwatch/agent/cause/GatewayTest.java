package dev.heartwatch.agent.cause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.support.RawFaultServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {
    @TempDir
    Path dir;

    @Test
    void readsTheDefaultGatewayFromTheRoutingTable() throws Exception {
        Path route = dir.resolve("route");
        // Real layout of /proc/net/route; 0101A8C0 is 192.168.1.1 in the kernel's byte order.
        Files.writeString(route, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
        assertEquals("192.168.1.1", new ProcNetRouteGateway(route).gateway().getHostAddress());
    }

    @Test
    void noDefaultRouteOrNoTableMeansNoGateway() throws Exception {
        Path route = dir.resolve("route");
        Files.writeString(route, "Iface\tDestination\tGateway \tFlags\n"
                + "eth0\t0001A8C0\t00000000\t0001\n");
        assertNull(new ProcNetRouteGateway(route).gateway());
        assertNull(new ProcNetRouteGateway(dir.resolve("absent")).gateway());
    }

    @Test
    void aGatewayAnswersWhenItAcceptsOrRefusesButNotWhenSilent() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket open = new ServerSocket(0, 5, loopback)) {
            assertTrue(new TcpGatewayProber(open.getLocalPort(), Duration.ofMillis(500)).answers(loopback));
        }
        assertTrue(new TcpGatewayProber(RawFaultServer.refusingPort(), Duration.ofMillis(500)).answers(loopback),
                "a refusal is the gateway's TCP stack answering");
        try (RawFaultServer silent = RawFaultServer.start(RawFaultServer.Fault.FULL_BACKLOG)) {
            int port = Integer.parseInt(silent.url().replaceAll(".*:(\\d+)/.*", "$1"));
            assertFalse(new TcpGatewayProber(port, Duration.ofMillis(300)).answers(loopback));
        }
    }

    @Test
    void noDefaultRouteIsAHomeNetworkOutage() throws Exception {
        FaultLocator locator = new FaultLocator(() -> null, gw -> true);
        Endpoint e = Endpoint.parse("https://a.example/api/ping", "", "url");
        Attempt placed = locator.locate(new Attempt(e, 0, Cause.DNS, "host name not resolved"));
        assertEquals(Cause.HOME_NETWORK, placed.cause());
        assertTrue(placed.detail().startsWith("home network: no default route; dns:"), placed.detail());
        Attempt http = locator.locate(new Attempt(e, 500, Cause.HTTP_5XX, "HTTP 500"));
        assertEquals(Cause.HTTP_5XX, http.cause());
        assertEquals("endpoint: HTTP 500", http.detail());
    }
}
