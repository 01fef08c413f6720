package dev.heartwatch.cli.publish;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.azure.AzureCredentials;
import dev.heartwatch.cli.azure.AzureFailures;
import dev.heartwatch.cli.azure.AzureHttpClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch publish PACKAGE.zip}: uploads a function package with the operator's Azure
 * identity and prints its URL on stdout (one line); progress goes to stderr.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Upload a function package (zip) to blob storage under its content-hash name and print its URL.",
      "An unchanged package is not uploaded again. Authenticates with DefaultAzureCredential (az login,"
          + " workload or managed identity); never with an account key."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:published (or already there)",
      "2:usage error",
      "3:bad package (missing, not a zip, no host.json)",
      "4:storage endpoint unreachable",
      "5:no credential, or credential rejected",
      "6:other storage error",
      "7:a blob of that name holds other content"
    })
public final class PublishCommand implements Callable<Integer> {
  private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9]{3,24}");
  private static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

  static final class Target {
    @Option(names = "--account", paramLabel = "NAME", description = "Storage account name (https://NAME.blob.core.windows.net).")
    String account;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Blob service endpoint URL (https).")
    URI endpoint;
  }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PACKAGE.zip", description = "The function package zip.")
  Path packagePath;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--container", required = true, paramLabel = "NAME", description = "Blob container (created if missing).")
  String container;

  @Option(
      names = "--sas-days",
      paramLabel = "N",
      description = "Print a read-only user-delegation SAS URL valid N days (1-7) instead of the plain URL.")
  Integer sasDays;

  private final TokenCredential credential;
  private final HttpClient httpClient;
  private final Clock clock;

  public PublishCommand() {
    this(null, null, Clock.systemUTC());
  }

  /** For tests: a given credential and HTTP client instead of the operator's. */
  PublishCommand(TokenCredential credential, HttpClient httpClient, Clock clock) {
    this.credential = credential;
    this.httpClient = httpClient;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    if (sasDays != null && (sasDays < 1 || sasDays > PackagePublisher.MAX_SAS_DAYS)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "--sas-days must be 1 to " + PackagePublisher.MAX_SAS_DAYS);
    }
    if (!CONTAINER_NAME.matcher(container).matches()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "not a valid container name: " + container);
    }
    String endpoint = endpoint();
    FunctionPackage pkg = FunctionPackage.open(packagePath);
    var err = spec.commandLine().getErr();
    err.println("package " + pkg.path().getFileName() + " sha256 " + pkg.sha256());
    err.flush();
    try {
      HttpClient http = httpClient != null ? httpClient : AzureHttpClients.standard();
      TokenCredential identity = credential != null ? credential : AzureCredentials.defaultCredential(http);
      BlobServiceClient service =
          new BlobServiceClientBuilder()
              .endpoint(endpoint)
              .credential(identity)
              .httpClient(http)
              .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, 120, 500L, 4000L, null))
              .buildClient();
      PackagePublisher publisher =
          new PackagePublisher(
              service,
              line -> {
                err.println(line);
                err.flush();
              });
      BlobClient blob = publisher.publish(pkg, container);
      String url = sasDays == null ? blob.getBlobUrl() : sasUrl(publisher, blob);
      spec.commandLine().getOut().println(url);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    } catch (CliFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw AzureFailures.classify(e, endpoint);
    }
  }

  /**
   * Get User Delegation Key acts on the whole account, so it needs a role assigned at the storage
   * account or above ("Get User Delegation Key", Authorization; "Create a user delegation SAS":
   * learn.microsoft.com/rest/api/storageservices/get-user-delegation-key and
   * learn.microsoft.com/azure/storage/blobs/storage-blob-user-delegation-sas-create-cli).
   * The deployer's Storage Blob Data Contributor is scoped to the package container only: the
   * upload works, the key is refused. Say so, and that the blob is already there.
   */
  private String sasUrl(PackagePublisher publisher, BlobClient blob) {
    try {
      return publisher.readOnlySasUrl(blob, sasDays, OffsetDateTime.now(clock));
    } catch (HttpResponseException e) {
      int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
      if (status != 401 && status != 403) {
        throw e;
      }
      throw new CliFailure(ExitCodes.AUTH,
          "the package is uploaded (" + blob.getBlobUrl() + "), but storage refused Get User Delegation Key"
              + " (HTTP " + status + "), which --sas-days needs: that call needs a role at the storage account"
              + " scope (Storage Blob Delegator, or a Storage Blob Data role assigned on the account), and a"
              + " deployer granted Storage Blob Data Contributor on one container does not have it."
              + " Drop --sas-days (the app reads the plain URL through its managed identity), or see"
              + " docs/deploy.md, \"A SAS URL (--sas-days)\"");
    }
  }

  private String endpoint() {
    if (target.account != null) {
      if (!ACCOUNT_NAME.matcher(target.account).matches()) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "not a storage account name (3-24 lower-case letters and digits): " + target.account);
      }
      return "https://" + target.account + ".blob.core.windows.net";
    }
    URI uri = target.endpoint;
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      // The SDK sends a token only over HTTPS; say so instead of failing obscurely.
      throw new CliFailure(ExitCodes.BAD_INPUT, "--endpoint must be an https URL with a host: " + uri);
    }
    String text = uri.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
