package dev.heartwatch.function.support;

import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.function.notify.StateTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Azurite Queue service on 127.0.0.1 over HTTPS with OAuth ({@code --oauth basic}), as
 * {@link AzuriteService} runs it, and the host's side of a queue for the tests: Create
 * Queue, and Get Messages / Peek Messages (learn.microsoft.com/rest/api/storageservices/create-queue4,
 * get-messages, peek-messages: {@code <QueueMessagesList><QueueMessage>...<MessageText>}), the text
 * base64-decoded as the Functions host does with {@code messageEncoding: base64}.
 */
public final class AzuriteQueue implements AutoCloseable {
    private static final Pattern RECEIPT = Pattern.compile(
            "<MessageId>([^<]+)</MessageId>.*?<PopReceipt>([^<]+)</PopReceipt>", Pattern.DOTALL);
    private static final Pattern TEXT = Pattern.compile("<MessageText>([^<]*)</MessageText>");
    private final AzuriteService service;
    private final HttpClient http;

    private AzuriteQueue(AzuriteService service, HttpClient http) {
        this.service = service;
        this.http = http;
    }

    public static AzuriteQueue start(Path workDir, TestCa ca) throws Exception {
        return new AzuriteQueue(AzuriteService.start(AzuriteService.Kind.QUEUE, workDir, ca),
                HttpClient.newBuilder().sslContext(ca.client()).build());
    }

    /** The path-style endpoint of the development account. */
    public URI endpoint() {
        return service.endpoint();
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

    @Override
    public void close() {
        service.close();
    }
}
