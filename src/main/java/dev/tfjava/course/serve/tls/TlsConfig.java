package dev.tfjava.course.serve.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's TLS identity and client policy, as TF Serving's {@code SSLConfig} gives them: its
 * key and certificate chain, and, with {@code clientVerify}, the CA whose certificates clients
 * must present. One configuration, two doors: {@link #grpcCredentials()} for the gRPC port and
 * {@link #restContext()} for REST (https).
 */
public final class TlsConfig {
  private final KeyManagerFactory keys;
  private final TrustManagerFactory clients;
  private final boolean clientVerify;

  /**
   * @param clientCas the CAs client certificates must chain to (used only with clientVerify)
   */
  TlsConfig(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> clientCas,
      boolean clientVerify) throws GeneralSecurityException, IOException {
    keys = Pem.keyManagers(key, chain);
    clients = Pem.trustManagers(clientCas);
    this.clientVerify = clientVerify;
  }

  /** Whether clients must present a certificate signed by the configured CA. */
  public boolean clientVerify() {
    return clientVerify;
  }

  /** The gRPC door's credentials (TF Serving's {@code SslServerCredentials}). */
  public ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
        .keyManager(keys.getKeyManagers());
    if (clientVerify) {
      builder.trustManager(clients.getTrustManagers())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return builder.build();
  }

  /** The REST door's TLS context (https, HTTP/1.1). */
  public SslContext restContext() {
    try {
      SslContextBuilder builder = SslContextBuilder.forServer(keys);
      if (clientVerify) {
        builder.trustManager(clients).clientAuth(ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for REST: " + e.getMessage(), e);
    }
  }
}
