package dev.tfjava.course.serve.tls;

import dev.tfjava.course.CourseException;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * {@code predict --ca --cert --key}: a gRPC client's TLS from PEM files, for a server with
 * {@code --ssl-config-file} (or TF Serving's {@code --ssl_config_file}): the CA that signed the
 * server's certificate, and, for {@code client_verify}, the client's certificate and PKCS#8 key.
 */
public final class ClientTlsFiles {
  private ClientTlsFiles() {}

  /**
   * The credentials; {@code cert} and {@code key} both null for server-only TLS.
   *
   * @throws CourseException (bad input) naming the option whose file is at fault
   */
  public static ChannelCredentials read(Path ca, Path cert, Path key) {
    if (ca == null) {
      throw CourseException.badInput("--cert and --key need --ca (the CA that signed the "
          + "server's certificate)");
    }
    if ((cert == null) != (key == null)) {
      throw CourseException.badInput("--cert and --key go together: the client's certificate "
          + "and its PKCS#8 private key (PEM)");
    }
    // Read and checked here: grpc-java would only parse them when the channel is built.
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    String option = "--ca " + ca;
    try {
      builder.trustManager(Pem.trustManagers(Pem.certificates(read(ca))).getTrustManagers());
      if (cert != null) {
        option = "--cert " + cert;
        List<X509Certificate> chain = Pem.certificates(read(cert));
        option = "--key " + key;
        builder.keyManager(Pem.keyManagers(Pem.privateKey(read(key)), chain).getKeyManagers());
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw CourseException.badInput(option + ": " + String.valueOf(e.getMessage())
          .replaceAll("\\s*\\R\\s*", " "));
    }
    return builder.build();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
