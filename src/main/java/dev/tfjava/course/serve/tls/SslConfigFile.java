package dev.tfjava.course.serve.tls;

import com.google.protobuf.TextFormat;
import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import tensorflow.serving.SslConfig.SSLConfig;

/**
 * {@code serve --ssl-config-file}: TF Serving's {@code SSLConfig} in protobuf text format, whose
 * {@code server_key}, {@code server_cert} and {@code custom_ca} hold PEM contents (not paths),
 * and {@code client_verify} asks every client for a certificate signed by {@code custom_ca}.
 * Everything is checked before the server starts: a field protobuf does not know, a PEM that does
 * not decode, a key that does not match its certificate, each one line naming the file and field
 * (exit 2). Keys are PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519), as openssl writes
 * them by default.
 */
public final class SslConfigFile {
  private SslConfigFile() {}

  /**
   * Reads and checks {@code file}.
   *
   * @throws CourseException (bad input) naming the file and the field at fault
   */
  public static TlsConfig read(Path file) {
    SSLConfig config;
    try {
      config = TextFormat.parse(Files.readString(file, StandardCharsets.UTF_8), SSLConfig.class);
    } catch (TextFormat.ParseException e) {
      throw bad(file, "not TF Serving's SSLConfig text format (server_key, server_cert, "
          + "custom_ca, client_verify): " + e.getMessage());
    } catch (IOException e) {
      throw bad(file, "cannot be read: " + e.getMessage());
    }
    if (config.getServerKey().isBlank() || config.getServerCert().isBlank()) {
      throw bad(file, "server_key and server_cert must both hold PEM contents");
    }
    if (config.getClientVerify() && config.getCustomCa().isBlank()) {
      throw bad(file, "client_verify needs custom_ca: the CA that signs the clients' "
          + "certificates");
    }
    PrivateKey key = key(file, config.getServerKey());
    List<X509Certificate> chain = certificates(file, "server_cert", config.getServerCert());
    requireMatch(file, key, chain.get(0));
    List<X509Certificate> cas = config.getCustomCa().isBlank() ? List.of()
        : certificates(file, "custom_ca", config.getCustomCa());
    try {
      return new TlsConfig(key, chain, cas, config.getClientVerify());
    } catch (GeneralSecurityException | IOException e) {
      throw bad(file, "the key and certificates cannot be used for TLS: " + e.getMessage());
    }
  }

  private static PrivateKey key(Path file, String pem) {
    try {
      return Pem.privateKey(pem);
    } catch (IllegalArgumentException e) {
      throw bad(file, "server_key: " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(Path file, String field, String pem) {
    try {
      return Pem.certificates(pem);
    } catch (IllegalArgumentException e) {
      throw bad(file, field + ": " + e.getMessage());
    }
  }

  /** Signs with the key and verifies with the certificate: they must be one pair. */
  private static void requireMatch(Path file, PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> "Ed25519";
    };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw bad(file, "server_key does not match server_cert (" + certificate
          .getSubjectX500Principal().getName() + "): give the key the certificate was issued for");
    }
  }

  private static CourseException bad(Path file, String why) {
    // The JDK's certificate parsers may put line breaks in their messages: keep one line.
    return CourseException.badInput("--ssl-config-file " + file + ": "
        + why.replaceAll("\\s*\\R\\s*", " "));
  }
}
