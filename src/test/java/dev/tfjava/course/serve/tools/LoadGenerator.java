package dev.tfjava.course.serve.tools;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending the same POST as
 * soon as its previous answer is in, for a fixed time after a warm-up. Plain sockets keep the
 * client's own cost small on a machine the server shares. Each run's figures go to stderr; stdout
 * gets one Markdown table row with the median of each figure over the runs: requests/s,
 * predictions/s, p50 and p99 latency, and the total of errors.
 *
 * <p>{@code LoadGenerator URL mnist|lstm INSTANCES CONNECTIONS SECONDS RUNS [CA_PEM]}: an
 * {@code https} URL needs the CA that signed the server's certificate; each connection then
 * makes one TLS handshake and keeps it (the row's model gets " (TLS)").
 */
public final class LoadGenerator {
  private static final double WARMUP_SECONDS = 2;

  /** What one run measured. */
  public record Report(long requests, long errors, double seconds, long[] latenciesNanos,
      int instances) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double percentileMillis(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, index)] / 1e6;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "requests/s %.0f  predictions/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d  (%d requests)",
          requestsPerSecond(), requestsPerSecond() * instances, percentileMillis(50),
          percentileMillis(99), errors, requests);
    }
  }

  private LoadGenerator() {}

  /** {@code {"instances": [[784 values], ...]}} with {@code count} random images. */
  public static String images(int count, long seed) {
    Random random = new Random(seed);
    StringBuilder json = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < count; i++) {
      float[] pixels = new float[784];
      for (int p = 0; p < pixels.length; p++) {
        // About 80% background, like a real digit; the rest any grey level.
        pixels[p] = random.nextDouble() < 0.8 ? 0f : random.nextInt(256) / 255f;
      }
      json.append(i == 0 ? "" : ", ").append(RequestBodies.image(pixels));
    }
    return json.append("]}").toString();
  }


  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println(
          "usage: LoadGenerator URL mnist|lstm INSTANCES CONNECTIONS SECONDS RUNS [CA_PEM]");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    SSLContext tls = url.getScheme().equals("https") ? trusting(Path.of(args[6])) : null;
    int instances = Integer.parseInt(args[2]);
    String body = switch (args[1]) {
      case "mnist" -> images(instances, 42);
      case "lstm" -> RequestBodies.windows(instances, 12.2);
      default -> throw new IllegalArgumentException("model kind must be mnist or lstm");
    };
    int connections = Integer.parseInt(args[3]);
    List<Report> reports = new ArrayList<>();
    for (int run = 0; run < Integer.parseInt(args[5]); run++) {
      Report report = run(url, tls, body, instances, connections, Double.parseDouble(args[4]));
      System.err.println("  run " + (run + 1) + ": " + report);
      reports.add(report);
    }
    // Each figure's median over the runs: one noisy run on a shared machine does not decide.
    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.2f | %.2f | %d |%n",
        url.getPath().replaceFirst(".*/models/", "").replace(":predict", "")
            + (tls == null ? "" : " (TLS)"), instances,
        connections, median(reports, Report::requestsPerSecond),
        median(reports, r -> r.requestsPerSecond() * instances),
        median(reports, r -> r.percentileMillis(50)), median(reports, r -> r.percentileMillis(99)),
        reports.stream().mapToLong(Report::errors).sum());
  }

  static double median(List<Report> reports, ToDoubleFunction<Report> figure) {
    double[] values = reports.stream().mapToDouble(figure).sorted().toArray();
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  /** A TLS client context trusting only the CA certificate(s) in {@code caPem}. */
  static SSLContext trusting(Path caPem) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, new char[0]);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca" + i++, ca);
      }
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * Runs the load and returns what it measured (latencies sorted); over TLS when {@code tls} is
   * not null.
   */
  public static Report run(URI url, SSLContext tls, String body, int instances, int connections,
      double seconds) throws InterruptedException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    byte[] request = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":"
        + url.getPort() + "\r\nContent-Type: application/json\r\nContent-Length: "
        + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    long measureFrom = start + (long) (WARMUP_SECONDS * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    AtomicBoolean failed = new AtomicBoolean();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      clients.add(new Client(url, tls, request, payload, measureFrom, end, failed));
    }
    return measure(clients, seconds, instances);
  }

  /** Starts the loops, waits for them, and pools what they measured (latencies sorted). */
  static Report measure(List<? extends Loop> loops, double seconds, int instances)
      throws InterruptedException {
    loops.forEach(Thread::start);
    long requests = 0;
    long errors = 0;
    List<long[]> latencies = new ArrayList<>();
    for (Loop loop : loops) {
      loop.join();
      requests += loop.count;
      errors += loop.errors;
      latencies.add(Arrays.copyOf(loop.latencies, loop.count));
    }
    long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Report(requests, errors, seconds, all, instances);
  }

  /** One closed loop: what it measured inside the window {@code [measureFrom, end]}. */
  abstract static class Loop extends Thread {
    final long measureFrom;
    final long end;
    long[] latencies = new long[1 << 16];
    int count;
    long errors;

    Loop(long measureFrom, long end) {
      this.measureFrom = measureFrom;
      this.end = end;
      setDaemon(true);
    }

    /** Records a request sent at {@code sent} and answered at {@code done}, if in the window. */
    final void record(long sent, long done, boolean error) {
      if (sent < measureFrom || done > end) {
        return;
      }
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = done - sent;
      if (error) {
        errors++;
      }
    }
  }

  /** One connection's loop. */
  private static final class Client extends Loop {
    final URI url;
    final SSLContext tls;
    final byte[] head;
    final byte[] payload;
    final AtomicBoolean failed;

    Client(URI url, SSLContext tls, byte[] head, byte[] payload, long measureFrom, long end,
        AtomicBoolean failed) {
      super(measureFrom, end);
      this.url = url;
      this.tls = tls;
      this.head = head;
      this.payload = payload;
      this.failed = failed;
    }

    @Override
    public void run() {
      Socket socket = null;
      InputStream in = null;
      try {
        while (System.nanoTime() < end) {
          if (socket == null) {
            socket = connect(url, tls);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
          }
          long sent = System.nanoTime();
          OutputStream out = socket.getOutputStream();
          out.write(head);
          out.write(payload);
          out.flush();
          Response response = Response.read(in);
          record(sent, System.nanoTime(), response.status != 200);
          if (response.close) {
            socket.close();
            socket = null;
          }
        }
      } catch (IOException e) {
        errors++;
        failed.set(true);
        System.err.println("connection failed: " + e);
      } finally {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException ignored) {
            // Closing after the run; nothing to report.
          }
        }
      }
    }
  }

  /** A plain socket, or a TLS one that checks the server's name against its certificate. */
  static Socket connect(URI url, SSLContext tls) throws IOException {
    if (tls == null) {
      return new Socket(url.getHost(), url.getPort());
    }
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(url.getHost(),
        url.getPort());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** The parts of an HTTP/1.1 response the loops need (ReloadBench reads the body too). */
  record Response(int status, boolean close, byte[] body) {
    static Response read(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      long length = -1;
      boolean close = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      if (length < 0) {
        throw new IOException("response without Content-Length");
      }
      return new Response(status, close, in.readNBytes((int) length));
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("connection closed mid-response");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }
}
