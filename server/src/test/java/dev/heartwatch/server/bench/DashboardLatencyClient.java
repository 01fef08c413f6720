package dev.heartwatch.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Times the dashboard's reads the way {@code dashboard.js} makes them: {@code GET
 * api/devices?limit=100} (every poll: the counts and the first page), the same with a search
 * ({@code q}) and a status filter, and {@code GET api/devices/{id}/outages?days=30} (one per
 * card shown), with the read key in {@code x-heartwatch-key}. Prints p50, p99 and max of each.
 *
 * <p>Usage: {@code DashboardLatencyClient BASE_URL KEY_FILE DEVICE REQUESTS}
 */
public final class DashboardLatencyClient {
    static final int WARM_UP = 30;

    private DashboardLatencyClient() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = Files.readString(Path.of(args[1])).trim();
        String device = args[2];
        int n = Integer.parseInt(args[3]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        time(client, key, base + "/api/devices?limit=100", n, "GET /api/devices?limit=100");
        time(client, key, base + "/api/devices?limit=100&q=" + device.substring(device.length() - 2), n,
                "GET /api/devices?limit=100&q=" + device.substring(device.length() - 2));
        time(client, key, base + "/api/devices?limit=100&status=down,unknown", n, "GET /api/devices?limit=100&status=down,unknown");
        time(client, key, base + "/api/devices/" + device + "/outages?days=30", n, "GET /api/devices/" + device + "/outages?days=30");
    }

    private static void time(HttpClient client, String key, String url, int n, String label) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("x-heartwatch-key", key)
                .timeout(Duration.ofSeconds(120)).GET().build();
        // Warm-up: the JIT and SQLite's page cache (the page polls every 10 s for as long as it is open).
        for (int i = 0; i < WARM_UP; i++) {
            check(client.send(request, HttpResponse.BodyHandlers.ofByteArray()), url);
        }
        long[] ms = new long[n];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ms[i] = (System.nanoTime() - t) / 1_000;
            check(r, url);
            bytes = r.body().length;
        }
        Arrays.sort(ms);
        System.out.printf("%-52s n=%d bytes=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", label, n, bytes,
                ms[n / 2] / 1000.0, ms[(int) Math.ceil(n * 0.99) - 1] / 1000.0, ms[n - 1] / 1000.0);
    }

    private static void check(HttpResponse<byte[]> r, String url) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
    }
}
