package dev.heartwatch.function.support;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.function.notify.StateTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Azurite Queue service on 127.0.0.1 over HTTPS with OAuth ({@code --oauth basic}), as
 * {@link AzuriteTable} runs the Table service, and the host's side of a queue for the tests: Create
 * Queue, and Get Messages / Peek Messages (learn.microsoft.com/rest/api/storageservices/create-queue4,
 * get-messages, peek-messages: {@code <QueueMessagesList><QueueMessage>...<MessageText>}), the text
 * base64-decoded as the Functions host does with {@code messageEncoding: base64}.
 */
public final class AzuriteQueue implements AutoCloseable {
    private static final Pattern RECEIPT = Pattern.compile(
            "<MessageId>([^<]+)</MessageId>.*?<PopReceipt>([^<]+)</PopReceipt>", Pattern.DOTALL);
    private static final Pattern TEXT = Pattern.compile("<MessageText>([^<]*)</MessageText>");
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http;

    private AzuriteQueue(Process process, int port, Path log, HttpClient http) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.http = http;
    }

    public static AzuriteQueue start(Path workDir, TestCa ca) throws Exception {
        Path binary = AzuriteTable.repoRoot().resolve("tools/node_modules/.bin/azurite-queue");
        if (!Files.isExecutable(binary)) {
            throw new AssertionError("Azurite is missing (" + binary + "). Run scripts/test.sh, which installs it, or: "
                    + "npm --prefix tools install (tools/package.json pins azurite 3.37.0)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(workDir.resolve("azurite-queue"));
        Path log = workDir.resolve("azurite-queue.log");
        Process p = new ProcessBuilder(binary.toString(), "--queueHost", "127.0.0.1", "--queuePort", String.valueOf(port),
                "--location", data.toString(), "--silent", "--skipApiVersionCheck", "--disableTelemetry",
                "--cert", ca.serverPkcs12().toString(), "--pwd", ca.serverPkcs12Password(), "--oauth", "basic")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AzuriteQueue q = new AzuriteQueue(p, port, log, HttpClient.newBuilder().sslContext(ca.client()).build());
        q.awaitListening(Duration.ofSeconds(30));
        return q;
    }

    /** The path-style endpoint of the development account. */
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port + "/" + AzuriteTable.ACCOUNT);
    }

    public void create(String queue) throws Exception {
        HttpResponse<String> a = send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + queue))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        if (a.statusCode() != 201 && a.statusCode() != 204) {
            throw new AssertionError("Create Queue answered " + a.statusCode() + ": " + a.body());
        }
    }

    /** The visible messages' texts, without taking them. */
    public List<String> peek(String queue) throws Exception {
        return texts(send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + queue + "/messages?peekonly=true&numofmessages=32")).GET()));
    }

    /** Takes the visible messages as a host's dequeue does, then deletes them (Delete Message, 204): their texts. */
    public List<String> take(String queue) throws Exception {
        HttpResponse<String> a = send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + queue
                + "/messages?numofmessages=32&visibilitytimeout=60")).GET());
        List<String> texts = texts(a);
        Matcher m = RECEIPT.matcher(a.body());
        while (m.find()) {
            HttpResponse<String> d = send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + queue + "/messages/" + m.group(1)
                    + "?popreceipt=" + java.net.URLEncoder.encode(m.group(2), StandardCharsets.UTF_8))).DELETE());
            if (d.statusCode() != 204) {
                throw new AssertionError("Delete Message answered " + d.statusCode() + ": " + d.body());
            }
        }
        return texts;
    }

    private List<String> texts(HttpResponse<String> a) {
        if (a.statusCode() != 200) {
            throw new AssertionError("Get Messages answered " + a.statusCode() + ": " + a.body());
        }
        List<String> out = new ArrayList<>();
        Matcher m = TEXT.matcher(a.body());
        while (m.find()) {
            out.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        }
        return out;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.header("Authorization", "Bearer " + TestTokens.of(Instant.now()).token(StateTable.SCOPE))
                .header("x-ms-version", "2020-12-06").build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private void awaitListening(Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("azurite-queue exited (" + process.exitValue() + "): " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new AssertionError("azurite-queue did not listen within " + limit + ": " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
