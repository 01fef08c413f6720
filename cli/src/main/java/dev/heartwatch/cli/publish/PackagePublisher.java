package dev.heartwatch.cli.publish;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Puts a function package in a container under its content-hash name, once: a blob that is
 * already there with the same hash is left alone. Returns the URL to read it from.
 */
final class PackagePublisher {
  /** The user delegation key (and so a SAS signed with it) lives at most 7 days. */
  static final int MAX_SAS_DAYS = 7;

  private final BlobServiceClient service;
  private final Consumer<String> progress;

  PackagePublisher(BlobServiceClient service, Consumer<String> progress) {
    this.service = service;
    this.progress = progress;
  }

  /** Uploads unless present; returns the blob (for its URL). */
  BlobClient publish(FunctionPackage pkg, String containerName) {
    BlobContainerClient container = service.getBlobContainerClient(containerName);
    if (!container.exists()) {
      progress.accept("creating container " + containerName);
      container.createIfNotExists();
    }
    BlobClient blob = container.getBlobClient(pkg.blobName());
    if (blob.exists()) {
      BlobProperties existing = blob.getProperties();
      String existingHash = existing.getMetadata() == null ? null : existing.getMetadata().get("sha256");
      if (!pkg.sha256().equals(existingHash)) {
        throw new CliFailure(
            ExitCodes.CONFLICT,
            "blob " + pkg.blobName() + " exists with different content (sha256 "
                + existingHash + "); refusing to overwrite it");
      }
      progress.accept("unchanged, not uploaded: " + pkg.blobName());
      return blob;
    }
    progress.accept("uploading " + pkg.size() + " bytes as " + pkg.blobName());
    BlobUploadFromFileOptions options =
        new BlobUploadFromFileOptions(pkg.path().toString())
            .setHeaders(new BlobHttpHeaders().setContentType("application/zip"))
            .setMetadata(Map.of("sha256", pkg.sha256()))
            // Never replace a blob someone wrote meanwhile: the name promises its content.
            .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
    blob.uploadFromFileWithResponse(options, null, Context.NONE);
    progress.accept("uploaded");
    return blob;
  }

  /** A read-only URL signed with a user delegation key (no account key involved). */
  String readOnlySasUrl(BlobClient blob, int days, OffsetDateTime now) {
    OffsetDateTime start = now.minusMinutes(5).withOffsetSameInstant(ZoneOffset.UTC);
    OffsetDateTime expiry = now.plus(Duration.ofDays(days)).withOffsetSameInstant(ZoneOffset.UTC);
    UserDelegationKey key = service.getUserDelegationKey(start, expiry);
    BlobServiceSasSignatureValues values =
        new BlobServiceSasSignatureValues(expiry, new BlobSasPermission().setReadPermission(true))
            .setStartTime(start);
    return blob.getBlobUrl() + "?" + blob.generateUserDelegationSas(values, key);
  }
}
