package dev.heartwatch.server.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load with a memory: each request carries a unique {@code seq}; the seqs that got a complete
 * {@code 200 ok} are written to a file, so a benchmark can check every acknowledged heartbeat is
 * in the database after the server was killed. Errors (the server is down) are counted, not fatal.
 * {@code java -cp server/target/test-classes dev.heartwatch.server.bench.AckRecordingLoadClient URL KEY THREADS SECONDS ACKFILE}
 */
public final class AckRecordingLoadClient {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String key = args[1];
        int threads = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        Path ackFile = Path.of(args[4]);
        AtomicLong nextSeq = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long seq = nextSeq.incrementAndGet();
                    try {
                        if (post(url, key, "{\"device\":\"load-" + id + "\",\"seq\":" + seq + "}")) {
                            acked.add(seq);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        try (BufferedWriter out = Files.newBufferedWriter(ackFile)) {
            for (Long s : acked) {
                out.write(Long.toString(s));
                out.newLine();
            }
        }
        System.out.println("sent=" + nextSeq.get() + " acknowledged=" + acked.size() + " failed=" + errors.get());
    }

    private static boolean post(String url, String key, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(2_000);
        c.setReadTimeout(5_000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("x-functions-key", key);
        c.setRequestProperty("Content-Type", "application/json");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        c.setFixedLengthStreamingMode(b.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(b);
        }
        int status = c.getResponseCode();
        if (status != 200) {
            return false;
        }
        try (InputStream in = c.getInputStream()) {
            return "ok".equals(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
