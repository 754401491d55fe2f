package dev.tfjava.course.serve.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM contents as the JDK's TLS wants them, read eagerly so that a bad one is found before a
 * server starts or a client connects: PKCS#8 private keys, X.509 certificates, and the key and
 * trust managers made of them. Errors are {@link IllegalArgumentException}s saying what is wrong,
 * for the caller to prefix with the option or field.
 */
final class Pem {
  private static final Pattern KEY = Pattern.compile(
      "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

  private Pem() {}

  /** A PKCS#8 private key ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519). */
  static PrivateKey privateKey(String pem) {
    Matcher m = KEY.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("no PEM private key (a PKCS#8 PRIVATE KEY block) in it");
    }
    if (!m.group(1).isEmpty()) {
      throw new IllegalArgumentException("a " + m.group(1) + "PRIVATE KEY; give it as PKCS#8 "
          + "(openssl pkcs8 -topk8 -nocrypt -in key.pem)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its base64 does not decode");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm's key: try the next.
      }
    }
    throw new IllegalArgumentException("not an RSA, EC or Ed25519 PKCS#8 private key");
  }

  /** One or more certificates, the first the holder's own. */
  static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> certificates = new ArrayList<>();
      CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .forEach(c -> certificates.add((X509Certificate) c));
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Key managers presenting {@code key} with its certificate {@code chain}. */
  static KeyManagerFactory keyManagers(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException, IOException {
    char[] password = new char[0];
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, password);
    identity.setKeyEntry("identity", key, password, chain.toArray(X509Certificate[]::new));
    KeyManagerFactory keys =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, password);
    return keys;
  }

  /** Trust managers trusting exactly {@code cas}. */
  static TrustManagerFactory trustManagers(List<X509Certificate> cas)
      throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, new char[0]);
    for (int i = 0; i < cas.size(); i++) {
      trusted.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    return trust;
  }
}
