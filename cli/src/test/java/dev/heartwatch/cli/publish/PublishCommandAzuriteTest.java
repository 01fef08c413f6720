package dev.heartwatch.cli.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.azure.AzureHttpClients;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.cli.support.TestTokens;
import dev.heartwatch.cli.support.Zips;
import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.channels.support.TestCa;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heartwatch publish} against a real Azurite over HTTPS with OAuth, with a test token. */
@Tag("full")
class PublishCommandAzuriteTest {
  @TempDir static Path work;
  static TestCa ca;
  static AzuriteService azurite;
  static String endpoint;
  static HttpClient http;

  @TempDir Path dir;

  @BeforeAll
  static void startAzurite() throws Exception {
    ca = TestCa.create(work);
    azurite = AzuriteService.start(AzuriteService.Kind.BLOB, work, ca);
    endpoint = azurite.endpoint().toString();
    http = AzureHttpClients.trusting(ca.client());
  }

  @AfterAll
  static void stopAzurite() {
    if (azurite != null) {
      azurite.close();
    }
  }

  private CliRun publish(String... args) {
    return publishWith(TestTokens.storage(Instant.now()), args);
  }

  private CliRun publishWith(com.azure.core.credential.TokenCredential credential, String... args) {
    return CliRun.of(new PublishCommand(credential, http, Clock.systemUTC()), args);
  }

  private BlobClient blobAt(String url) {
    return new BlobClientBuilder()
        .endpoint(url)
        .credential(TestTokens.storage(Instant.now()))
        .httpClient(http)
        .buildClient();
  }

  @Test
  void uploadsThePackageAndItsUrlServesTheSameBytes() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "first");
    CliRun run = publish(pkg.toString(), "--endpoint", endpoint, "--container", "function-releases");

    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    String url = run.out().strip();
    assertFalse(url.contains("\n"), "one line on stdout: " + run);
    String sha = FunctionPackage.open(pkg).sha256();
    assertEquals(
        endpoint + "/function-releases/heartwatch-function-" + sha.substring(0, 16) + ".zip", url);
    assertTrue(run.err().contains("uploading"), run.toString());
    assertArrayEquals(Files.readAllBytes(pkg), blobAt(url).downloadContent().toBytes());
  }

  @Test
  void anUnchangedPackageIsNotUploadedAgain() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "unchanged");
    String[] args = {pkg.toString(), "--endpoint", endpoint, "--container", "function-releases"};
    CliRun first = publish(args);
    assertEquals(ExitCodes.OK, first.exitCode(), first.toString());
    var before = blobAt(first.out().strip()).getProperties();

    CliRun second = publish(args);

    assertEquals(ExitCodes.OK, second.exitCode(), second.toString());
    assertEquals(first.out(), second.out());
    assertTrue(second.err().contains("unchanged, not uploaded"), second.toString());
    assertFalse(second.err().contains("uploading"), second.toString());
    var after = blobAt(second.out().strip()).getProperties();
    assertEquals(before.getETag(), after.getETag(), "the blob was not written again");
  }

  @Test
  void sasDaysGivesAReadOnlyUserDelegationUrl() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "sas");
    CliRun run =
        publish(pkg.toString(), "--endpoint", endpoint, "--container", "sas-test", "--sas-days", "2");

    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    URI url = URI.create(run.out().strip());
    String query = url.getRawQuery();
    assertTrue(("&" + query + "&").contains("&sp=r&"), "read-only permission: " + query);
    assertTrue(query.contains("skoid=" + TestTokens.OBJECT_ID), "signed with a user delegation key: " + query);

    // The SAS alone (no token) reads the bytes, and cannot write.
    var client = java.net.http.HttpClient.newBuilder().sslContext(ca.client()).build();
    HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, get.statusCode());
    assertArrayEquals(Files.readAllBytes(pkg), get.body());
    HttpResponse<String> put =
        client.send(
            HttpRequest.newBuilder(url)
                .header("x-ms-blob-type", "BlockBlob")
                .PUT(HttpRequest.BodyPublishers.ofString("overwritten"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, put.statusCode(), put.body());
  }

  /**
   * Azurite grants every token everything, so the container-scoped deployer's refusal is played
   * at the HTTP boundary: Get User Delegation Key answers what Blob Storage answers a principal
   * without an account-scoped role (403 AuthorizationPermissionMismatch, the storage error XML);
   * every other request reaches Azurite.
   */
  @Test
  void sasDaysRefusedByAContainerScopedRoleSaysWhichRoleItNeeds() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "sas-refused");
    HttpClient refusingDelegation = request -> {
      if (request.getUrl().getQuery() != null && request.getUrl().getQuery().contains("comp=userdelegationkey")) {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>"
            + "<Message>This request is not authorized to perform this operation using this permission.</Message></Error>";
        return reactor.core.publisher.Mono.just(new StorageErrorResponse(request, 403, xml));
      }
      return http.send(request);
    };
    CliRun run = CliRun.of(new PublishCommand(TestTokens.storage(Instant.now()), refusingDelegation, Clock.systemUTC()),
        pkg.toString(), "--endpoint", endpoint, "--container", "sas-refused", "--sas-days", "1");

    assertEquals(ExitCodes.AUTH, run.exitCode(), run.toString());
    assertTrue(run.err().contains("Get User Delegation Key"), run.toString());
    assertTrue(run.err().contains("storage account scope"), run.toString());
    assertTrue(run.err().contains("Drop --sas-days"), run.toString());
    assertTrue(run.err().contains(endpoint + "/sas-refused/heartwatch-function-"), "the blob it did upload: " + run);
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
    assertTrue(run.out().isEmpty(), "no URL on stdout after a failure: " + run);
  }

  /** An HTTP answer in Blob Storage's error shape (application/xml with x-ms-error-code). */
  private static final class StorageErrorResponse extends com.azure.core.http.HttpResponse {
    private final int status;
    private final byte[] body;
    private final com.azure.core.http.HttpHeaders headers;

    StorageErrorResponse(com.azure.core.http.HttpRequest request, int status, String xml) {
      super(request);
      this.status = status;
      this.body = xml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      this.headers = new com.azure.core.http.HttpHeaders()
          .set(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/xml")
          .set(com.azure.core.http.HttpHeaderName.fromString("x-ms-error-code"), "AuthorizationPermissionMismatch")
          .set(com.azure.core.http.HttpHeaderName.CONTENT_LENGTH, String.valueOf(body.length));
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    @Deprecated
    public String getHeaderValue(String name) {
      return headers.getValue(com.azure.core.http.HttpHeaderName.fromString(name));
    }

    @Override
    public com.azure.core.http.HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public reactor.core.publisher.Flux<java.nio.ByteBuffer> getBody() {
      return reactor.core.publisher.Flux.just(java.nio.ByteBuffer.wrap(body));
    }

    @Override
    public reactor.core.publisher.Mono<byte[]> getBodyAsByteArray() {
      return reactor.core.publisher.Mono.just(body);
    }

    @Override
    public reactor.core.publisher.Mono<String> getBodyAsString() {
      return reactor.core.publisher.Mono.just(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public reactor.core.publisher.Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
      return reactor.core.publisher.Mono.just(new String(body, charset));
    }
  }

  @Test
  void anUnreachableEndpointIsAClearFailure() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "unreachable");
    int nobody = AzuriteService.freePort();
    CliRun run =
        publish(pkg.toString(), "--endpoint", "https://127.0.0.1:" + nobody + "/devstoreaccount1", "--container", "c1c");

    assertEquals(ExitCodes.UNREACHABLE, run.exitCode(), run.toString());
    assertTrue(run.err().contains("cannot reach https://127.0.0.1:" + nobody), run.toString());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
  }

  @Test
  void rejectedCredentialsAreAClearFailure() throws Exception {
    Path pkg = Zips.functionPackage(dir.resolve("app.zip"), "rejected");
    var wrongAudience = TestTokens.withAudience("https://management.azure.com", Instant.now());
    CliRun run =
        publishWith(wrongAudience, pkg.toString(), "--endpoint", endpoint, "--container", "rejected");

    assertEquals(ExitCodes.AUTH, run.exitCode(), run.toString());
    assertTrue(run.err().contains("credentials rejected"), run.toString());
    assertTrue(run.err().contains("Storage Blob Data Contributor"), run.toString());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
    assertEquals("", run.out());
  }
}
