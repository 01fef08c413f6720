package dev.heartwatch.agent.check;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.heartwatch.agent.support.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The targets of scripts/bench-agent-checks.sh, all on loopback: a ping endpoint (HTTPS, as at
 * every real install, or plain HTTP; answering a batch as a current receiver does, counting beats
 * and batches), a TCP listener, an
 * HTTP server, a DNS server and a TLS server. Writes {@code DIR/targets.env}: the endpoint and
 * {@code CHECKS} check lines (20 icmp, 15 tcp, 5 http, 5 dns, 5 tls for 50) every {@code EVERY}
 * with a timeout of 4/5 of it, and {@code DIR/targets.jvm}: the JVM options that make an agent
 * trust the HTTPS endpoint's certificate (one a line; empty for plain HTTP), then serves until killed.
 *
 * <p>Usage: {@code java -cp agent/target/test-classes:agent/target/classes dev.heartwatch.agent.check.CheckBenchTargets
 * DIR [CHECKS] [EVERY] [MIX] [https|http]}, MIX like {@code icmp:20,tcp:15,http:5,dns:5,tls:5} (shares of CHECKS).
 */
public final class CheckBenchTargets {
    private CheckBenchTargets() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        String every = args.length > 2 ? args[2] : "PT5S";
        InetAddress lo = InetAddress.getLoopbackAddress();
        AtomicLong beats = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        Path counts = dir.resolve("counts");

        boolean https = !(args.length > 4 && args[4].equals("http"));
        HttpServer endpoint;
        List<String> jvm = new ArrayList<>();
        if (https) {
            TestCertificates endpointCert = TestCertificates.generate(dir, "bench-endpoint", "ip:127.0.0.1", 30);
            HttpsServer s = HttpsServer.create(new InetSocketAddress(lo, 0), 64);
            s.setHttpsConfigurator(new HttpsConfigurator(endpointCert.serverContext()));
            endpoint = s;
            jvm.addAll(endpointCert.trustingJvmOptions());
        } else {
            endpoint = HttpServer.create(new InetSocketAddress(lo, 0), 64);
        }
        endpoint.setExecutor(Executors.newFixedThreadPool(2));
        endpoint.createContext("/api/ping", x -> {
            x.getRequestBody().readAllBytes();
            boolean batch = "1".equals(x.getRequestHeaders().getFirst("X-Heartwatch-Batch"));
            (batch ? batches : beats).incrementAndGet();
            byte[] ok = (batch ? "ok batch 1" : "ok").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(ok);
            }
            Files.writeString(counts, beats.get() + " " + batches.get() + "\n");
        });
        endpoint.start();

        HttpServer web = HttpServer.create(new InetSocketAddress(lo, 0), 64);
        web.setExecutor(Executors.newFixedThreadPool(2));
        web.createContext("/health", x -> {
            byte[] ok = "healthy".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(ok);
            }
        });
        web.start();

        ServerSocket tcp = new ServerSocket(0, 128, lo);
        daemon(() -> {
            while (true) {
                try (Socket s = tcp.accept()) {
                    // accepted: the check closes it at once
                } catch (IOException e) {
                    return;
                }
            }
        });

        LoopbackDnsServer dns = new LoopbackDnsServer();

        TestCertificates cert = TestCertificates.generate(dir, "bench-tls", "ip:127.0.0.1", 30);
        SSLServerSocket tls = (SSLServerSocket) cert.serverContext().getServerSocketFactory().createServerSocket(0, 128, lo);
        daemon(() -> {
            while (true) {
                try (SSLSocket s = (SSLSocket) tls.accept()) {
                    s.setSoTimeout(2000);
                    s.startHandshake();
                } catch (IOException e) {
                    if (tls.isClosed()) {
                        return;
                    }
                }
            }
        });

        List<String> env = new ArrayList<>();
        env.add("HEARTBEAT_URL=" + (https ? "https" : "http") + "://127.0.0.1:" + endpoint.getAddress().getPort() + "/api/ping");
        Files.write(dir.resolve("targets.jvm"), jvm);
        String mix = args.length > 3 ? args[3] : "icmp:20,tcp:15,http:5,dns:5,tls:5";
        String[] parts = mix.split(",");
        String[] kinds = new String[parts.length];
        int[] share = new int[parts.length];
        int total = 0;
        for (int k = 0; k < parts.length; k++) {
            kinds[k] = parts[k].split(":")[0];
            share[k] = Integer.parseInt(parts[k].split(":")[1]);
            total += share[k];
        }
        int made = 0;
        for (int k = 0; k < kinds.length && made < n; k++) {
            int count = (int) Math.round(share[k] * (double) n / total);
            for (int i = 0; i < count && made < n; i++, made++) {
                String target = switch (kinds[k]) {
                    case "icmp" -> "icmp 127.0.0.1";
                    case "tcp" -> "tcp 127.0.0.1:" + tcp.getLocalPort();
                    case "http" -> "http http://127.0.0.1:" + web.getAddress().getPort() + "/health body healthy";
                    case "dns" -> "dns 127.0.0.1:" + dns.port() + " good.test A expect 127.0.0.10";
                    default -> "tls 127.0.0.1:" + tls.getLocalPort() + " min-days 7 ca " + cert.pem();
                };
                env.add("HEARTBEAT_CHECK_" + kinds[k].toUpperCase() + "_" + i + "=" + target + " every " + every
                        + " timeout " + java.time.Duration.parse(every).multipliedBy(4).dividedBy(5));
            }
        }
        Path out = dir.resolve("targets.env");
        Files.write(dir.resolve("targets.env.tmp"), env);
        Files.move(dir.resolve("targets.env.tmp"), out);
        Thread.currentThread().join();
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }
}
