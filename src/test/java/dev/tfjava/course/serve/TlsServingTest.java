package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.cli.LessonsLauncher;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.tls.SslConfigFile;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.serve.tools.TestPki;
import dev.tfjava.course.train.ThreadSettings;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tensorflow.serving.GetModelStatus.GetModelStatusRequest;
import tensorflow.serving.GetModelStatus.ModelVersionStatus;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.ModelServiceGrpc;

/**
 * {@code --ssl-config-file}: with TF Serving's SSLConfig both doors speak TLS only, with the
 * server certificate given (https on REST, TLS on gRPC); with {@code client_verify} a client must
 * present a certificate signed by {@code custom_ca}. The CA and certificates are made at run time.
 */
class TlsServingTest {
  private static TestPki pki;
  private static TestPki.Identity server;
  private static TestPki.Identity client;

  @TempDir
  Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create();
    server = pki.issue("lessons serve");
    client = pki.issue("a client");
  }

  @Test
  void bothDoorsServeOverTlsAndRefusePlaintext() {
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      try (ServingServer serving = start(false)) {
        HttpClient https = https(pki.clientContext(null));
        assertEquals(200, status(https, "https", serving.port()));
        HttpClient plain = https(SSLContext.getDefault());
        assertThrows(IOException.class, () -> status(plain, "http", serving.port()),
            "plaintext http to the TLS port");
        // One short line, not the client's request (its headers) in hex.
        awaitLog("connection error: not TLS (plain http to the https port?)");
        assertTrue(log.stream().noneMatch(line -> line.contains("474554")), log::toString);
        // The server's certificate is not trusted by the JDK's default CAs.
        assertThrows(IOException.class, () -> status(plain, "https", serving.port()));
        assertEquals(ModelVersionStatus.State.AVAILABLE,
            grpcStatus(TlsChannelCredentials.newBuilder()
                .trustManager(pki.trustManagers()).build(), serving.grpcPort()));
        StatusRuntimeException plaintext = assertThrows(StatusRuntimeException.class,
            () -> grpcStatus(null, serving.grpcPort()));
        assertEquals(Status.Code.UNAVAILABLE, plaintext.getStatus().getCode());
      }
    });
  }

  @Test
  void clientVerifyRefusesClientsWithoutTheCasCertificate() {
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      try (ServingServer serving = start(true)) {
        assertEquals(200, status(https(pki.clientContext(client)), "https", serving.port()));
        assertThrows(IOException.class,
            () -> status(https(pki.clientContext(null)), "https", serving.port()));
        TestPki.Identity stranger = TestPki.create().issue("a stranger");
        assertThrows(IOException.class,
            () -> status(https(pki.clientContext(stranger)), "https", serving.port()));

        assertEquals(ModelVersionStatus.State.AVAILABLE,
            grpcStatus(TlsChannelCredentials.newBuilder().trustManager(pki.trustManagers())
                .keyManager(client.keyManagers()).build(), serving.grpcPort()));
        StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class,
            () -> grpcStatus(TlsChannelCredentials.newBuilder()
                .trustManager(pki.trustManagers()).build(), serving.grpcPort()));
        assertEquals(Status.Code.UNAVAILABLE, anonymous.getStatus().getCode());
        StatusRuntimeException foreign = assertThrows(StatusRuntimeException.class,
            () -> grpcStatus(TlsChannelCredentials.newBuilder()
                .trustManager(pki.trustManagers()).keyManager(stranger.keyManagers()).build(),
                serving.grpcPort()));
        assertEquals(Status.Code.UNAVAILABLE, foreign.getStatus().getCode());

        // lessons predict --target with --ca, --cert and --key (PEM files).
        Path input = Files.writeString(dir.resolve("input.json"),
            "{\"instances\": [[" + "[0.5],".repeat(19) + "[0.5]]]}");
        Path ca = Files.writeString(dir.resolve("ca.pem"), pki.ca().certificatePem());
        Path cert = Files.writeString(dir.resolve("client.pem"), client.certificatePem());
        Path key = Files.writeString(dir.resolve("client.key"), client.keyPem());
        String target = "127.0.0.1:" + serving.grpcPort();
        assertEquals(0, predict("--target", target, "--model", "lstm", "--input",
            input.toString(), "--ca", ca.toString(), "--cert", cert.toString(), "--key",
            key.toString()).code);
        assertEquals(1, predict("--target", target, "--model", "lstm", "--input",
            input.toString(), "--ca", ca.toString()).code, "no client certificate: refused");
        Cli wrongKey = predict("--target", target, "--model", "lstm", "--input",
            input.toString(), "--ca", ca.toString(), "--cert", cert.toString(), "--key",
            ca.toString());
        assertEquals(2, wrongKey.code, wrongKey.err);
        assertTrue(wrongKey.err.contains("--key " + ca + ": no PEM private key"), wrongKey.err);
      }
    });
  }

  @Test
  void aBadSslConfigFileExitsTwoWithOneLine() throws Exception {
    Path mismatched = writeConfig(false).resolveSibling("mismatched.config");
    Files.writeString(mismatched, "server_key: " + TestPki.quoted(client.keyPem())
        + "\nserver_cert: " + TestPki.quoted(server.certificatePem()) + "\n");
    Path unknownField = dir.resolve("unknown.config");
    Files.writeString(unknownField, "server_keys: \"x\"\n");
    Path noCa = dir.resolve("noca.config");
    Files.writeString(noCa, "server_key: " + TestPki.quoted(server.keyPem())
        + "\nserver_cert: " + TestPki.quoted(server.certificatePem())
        + "\nclient_verify: true\n");
    for (Path file : new Path[] {mismatched, unknownField, noCa, dir.resolve("missing")}) {
      StringWriter err = new StringWriter();
      picocli.CommandLine launcher = LessonsLauncher.commandLine();
      launcher.getSubcommands().get("serve").setErr(new PrintWriter(err));
      int code = launcher.execute("serve", "--models", dir.toString(), "--port", "0",
          "--ssl-config-file", file.toString());
      assertEquals(2, code, err.toString());
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
      assertTrue(err.toString().contains("--ssl-config-file " + file), err.toString());
    }
  }

  private record Cli(int code, String err) {}

  private static Cli predict(String... args) {
    StringWriter err = new StringWriter();
    picocli.CommandLine launcher = LessonsLauncher.commandLine();
    launcher.getSubcommands().get("predict").setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "predict";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = launcher.execute(all);
    assertTrue(err.toString().strip().lines().count() <= 1, err.toString());
    return new Cli(code, err.toString());
  }

  private ServingServer start(boolean clientVerify) throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    StandInModels.exportLstm(models, "lstm", 1);
    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1), l -> { });
    return ServingServer.start(repository, ServingFixture.settings().withGrpcPort(0),
        ServingFeatures.defaults(),
        ServingOperations.defaults().withTls(SslConfigFile.read(writeConfig(clientVerify))),
        log::add);
  }

  private void awaitLog(String line) throws InterruptedException {
    for (int i = 0; i < 100 && !log.contains(line); i++) {
      Thread.sleep(50);
    }
    assertTrue(log.contains(line), log::toString);
  }

  /** TF Serving's SSLConfig text: the PEM contents themselves, not paths. */
  private Path writeConfig(boolean clientVerify) throws IOException {
    return Files.writeString(dir.resolve("ssl.config"), pki.sslConfig(server, clientVerify));
  }

  private static HttpClient https(SSLContext context) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** GET of the model's status; the HTTP status code. */
  private static int status(HttpClient http, String scheme, int port)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create(scheme + "://127.0.0.1:" + port + "/v1/models/lstm"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200) {
      assertTrue(response.body().contains("AVAILABLE"), response.body());
    }
    return response.statusCode();
  }

  /** GetModelStatus over gRPC with {@code credentials} (null: plaintext). */
  private static ModelVersionStatus.State grpcStatus(ChannelCredentials credentials, int port)
      throws InterruptedException {
    NettyChannelBuilder builder = credentials == null
        ? NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        : NettyChannelBuilder.forAddress("127.0.0.1", port, credentials);
    ManagedChannel channel = builder.build();
    try {
      return ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getModelStatus(GetModelStatusRequest.newBuilder()
              .setModelSpec(ModelSpec.newBuilder().setName("lstm")).build())
          .getModelVersionStatus(0).getState();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
