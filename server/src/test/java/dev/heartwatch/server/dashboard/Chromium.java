package dev.heartwatch.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol from the JDK's own WebSocket
 * client: one page, its console errors and dialogs recorded. No extra dependency.
 */
public final class Chromium implements AutoCloseable {
    static final String BINARY_ENV = "HEARTWATCH_CHROMIUM";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private String session;

    /** Problems the page reported: console errors, uncaught exceptions, failed loads, dialogs. */
    public final List<String> problems = new CopyOnWriteArrayList<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    static Path binary() {
        String configured = System.getenv(BINARY_ENV);
        Path path = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("no Chromium at " + path + ": install it with `apt-get install -y chromium` "
                    + "(scripts/test.sh does) or point " + BINARY_ENV + " at the binary");
        }
        return path;
    }

    public static Chromium launch() throws Exception {
        Path profile = Files.createTempDirectory("heartwatch-chromium-");
        Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    errors.add(line);
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("Chromium exited: " + errors));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String ws;
        try {
            ws = url.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not open its DevTools port: " + errors, e);
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String message = text.toString();
                            text.setLength(0);
                            self[0].receive(message);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        Chromium chromium = new Chromium(process, profile, socket);
        self[0] = chromium;
        chromium.stderr.addAll(errors);
        chromium.openPage();
        return chromium;
    }

    private void receive(String message) {
        try {
            JsonNode node = JSON.readTree(message);
            if (node.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(node.get("id").asInt());
                if (f != null) {
                    if (node.has("error")) {
                        f.completeExceptionally(new IllegalStateException("CDP error: " + node.get("error")));
                    } else {
                        f.complete(node.get("result"));
                    }
                }
            } else {
                listeners.forEach(l -> l.accept(node));
            }
        } catch (IOException e) {
            problems.add("unreadable CDP message: " + e.getMessage());
        }
    }

    private void openPage() throws Exception {
        String target = browserCommand("Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        session = browserCommand("Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        listeners.add(event -> {
            String method = event.path("method").asText();
            JsonNode p = event.path("params");
            switch (method) {
                case "Runtime.consoleAPICalled" -> {
                    if (p.path("type").asText().equals("error") || p.path("type").asText().equals("assert")) {
                        problems.add("console." + p.path("type").asText() + ": " + p.path("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> problems.add("uncaught: " + p.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    if (p.path("entry").path("level").asText().equals("error")) {
                        problems.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                    }
                }
                case "Page.javascriptDialogOpening" -> {
                    problems.add("dialog: " + p.path("message").asText());
                    command("Page.handleJavaScriptDialog", Map.of("accept", false));
                }
                default -> {
                }
            }
        });
        command("Page.enable", Map.of()).get(10, TimeUnit.SECONDS);
        command("Runtime.enable", Map.of()).get(10, TimeUnit.SECONDS);
        command("Log.enable", Map.of()).get(10, TimeUnit.SECONDS);
    }

    private JsonNode browserCommand(String method, Map<String, Object> params) throws Exception {
        return send(null, method, params).get(15, TimeUnit.SECONDS);
    }

    CompletableFuture<JsonNode> command(String method, Map<String, Object> params) {
        return send(session, method, params);
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        return command(method, params).get(30, TimeUnit.SECONDS);
    }

    private CompletableFuture<JsonNode> send(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (socket) {
            socket.sendText(message.toString(), true).join();
        }
        return f;
    }

    public void viewport(int width, int height, boolean mobile) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", mobile ? 2 : 1, "mobile", mobile));
    }

    void prefersColorScheme(String scheme) throws Exception {
        call("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    public void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** Evaluates {@code expression} in the page (awaiting a promise) and returns its JSON value. */
    public JsonNode eval(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Polls {@code condition} until it is true, or fails with what {@code explain} shows then. */
    public void waitFor(String condition, Duration timeout, String explain) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (eval("Boolean(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // The page may be between documents; try again.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + condition + "; page shows: " + eval(explain)
                + "; problems: " + problems);
    }

    /** A PNG of the whole page at the current width. */
    public void screenshot(Path file) throws Exception {
        JsonNode size = eval("({w: document.documentElement.clientWidth, h: Math.ceil(document.documentElement.scrollHeight)})");
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", size.get("w").asInt(), "height", size.get("h").asInt(), "scale", 1)));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() throws IOException {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(profile)) {
                List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // A profile file still held by an exiting Chromium: the temp dir is cleaned by the OS.
            }
        }
    }
}
