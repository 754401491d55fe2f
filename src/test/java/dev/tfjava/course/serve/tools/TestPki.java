package dev.tfjava.course.serve.tools;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away public key infrastructure made at run time (no key ever lands in git): a CA, and
 * EC P-256 identities it signs, as PEM for TF Serving's SSLConfig and as JSSE key and trust
 * managers for the clients.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A key and the certificate issued for it. */
  public record Identity(KeyPair keys, X509Certificate certificate) {
    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as openssl writes it. */
    public String keyPem() {
      return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Key managers presenting this identity (a client certificate, for mutual TLS). */
    public KeyManager[] keyManagers() throws GeneralSecurityException, java.io.IOException {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, password);
      store.setKeyEntry("me", keys.getPrivate(), password, new X509Certificate[] {certificate});
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers();
    }
  }

  private final Identity ca;

  private TestPki(Identity ca) {
    this.ca = ca;
  }

  /** A new self-signed CA. */
  public static TestPki create() throws Exception {
    KeyPair keys = ecKeys();
    X500Name name = new X500Name("CN=lessons test CA");
    X509v3CertificateBuilder builder = builder(name, name, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new TestPki(new Identity(keys, sign(builder, keys)));
  }

  public Identity ca() {
    return ca;
  }

  /** An end-entity certificate for {@code cn}, valid for 127.0.0.1 and localhost. */
  public Identity issue(String cn) throws Exception {
    KeyPair keys = ecKeys();
    X509v3CertificateBuilder builder = builder(
        new X500Name(ca.certificate().getSubjectX500Principal().getName()),
        new X500Name("CN=" + cn), keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
    return new Identity(keys, sign(builder, ca.keys()));
  }

  /** Trust managers trusting only this CA. */
  public TrustManager[] trustManagers() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, new char[0]);
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** A TLS client context trusting this CA, presenting {@code client} if not null. */
  public SSLContext clientContext(Identity client) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(client == null ? null : client.keyManagers(), trustManagers(), null);
    return context;
  }

  /**
   * TF Serving's SSLConfig text for a server presenting {@code server}: the PEM contents
   * themselves (not paths), this CA as {@code custom_ca}, and {@code client_verify}.
   */
  public String sslConfig(Identity server, boolean clientVerify) {
    return "server_key: " + quoted(server.keyPem()) + "\n"
        + "server_cert: " + quoted(server.certificatePem()) + "\n"
        + "custom_ca: " + quoted(ca.certificatePem()) + "\n"
        + "client_verify: " + clientVerify + "\n";
  }

  /** A PEM text as a quoted text-format protobuf string (newlines escaped). */
  public static String quoted(String pem) {
    return "\"" + pem.replace("\n", "\\n") + "\"";
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject,
      KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
        subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(builder.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
