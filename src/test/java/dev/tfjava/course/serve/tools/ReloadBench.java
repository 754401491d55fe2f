package dev.tfjava.course.serve.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.grpc.TensorProtoCodec;
import dev.tfjava.course.train.Tensors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;

/**
 * The driver of {@code scripts/bench-reload}: versions of an LSTM swapped under load on a running
 * {@code lessons serve}. Half the clients send REST predicts (keep-alive sockets), half gRPC
 * Predict ({@link PredictionClient}), all to the latest version, while a new version is
 * published every second (copied under a temporary name, then renamed into the model's folder:
 * atomic) and the oldest folder removed, one of them a version whose {@code saved_model.pb} is
 * junk. Versions cycle through {@value #VARIANTS} models with other weights, so every answer's
 * numbers tell which (REST) and must fit the version that answered (gRPC's model_spec.version).
 *
 * <p>Checks, each printed, any failure exits 1: no failed or wrong answer; every answer came from
 * a version that the server's status page showed AVAILABLE at some moment between the request
 * and its answer ({@link VersionTimeline}); the corrupt version is reported on the status page
 * (its error), never AVAILABLE and never answers; the server's RSS grows at most 10 MiB from
 * swap 50 (half the swaps in a shorter run) to the end. Prints requests/s and a Markdown row.
 *
 * <p>{@code ReloadBench WORK HOST REST_PORT GRPC_PORT SERVER_PID SWAPS CLIENTS CORRUPT_AT}: the
 * server serves {@code WORK/models} (empty at first) and looks for versions often (the script
 * gives it --poll-seconds 0.5).
 */
public final class ReloadBench {
  private static final String MODEL = "lstm";
  private static final int VARIANTS = 4;
  /** Version folders left on disk: the served one, the one being loaded, and one older. */
  private static final int KEEP = 3;
  private static final double TOLERANCE = 1e-4;
  private static final long RSS_SWAP = 50;
  private static final long GROWTH_LIMIT_KIB = 10 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path work;
  private final Path modelDir;
  private final float[][] expected = new float[VARIANTS][];
  private final VersionTimeline timeline;

  private ReloadBench(Path work, VersionTimeline timeline) {
    this.work = work;
    this.modelDir = work.resolve("models").resolve(MODEL);
    this.timeline = timeline;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: ReloadBench WORK HOST REST_PORT GRPC_PORT SERVER_PID SWAPS"
          + " CLIENTS CORRUPT_AT");
      System.exit(2);
    }
    String host = args[1];
    int restPort = Integer.parseInt(args[2]);
    VersionTimeline timeline = new VersionTimeline(host, restPort, MODEL);
    ReloadBench bench = new ReloadBench(Path.of(args[0]), timeline);
    System.exit(bench.run(host, restPort, Integer.parseInt(args[3]), Long.parseLong(args[4]),
        Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7])) ? 0 : 1);
  }

  private boolean run(String host, int restPort, int grpcPort, long serverPid, int swaps,
      int clientCount, int corruptAt) throws Exception {
    TensorValues window = TensorProtoCodec.read("X", GrpcLoadGenerator.windows(1));
    for (int k = 0; k < VARIANTS; k++) {
      Path dir = StandInModels.exportLstm(work.resolve("variants"), "v" + k, 100 + k);
      expected[k] = reference(dir, window);
    }
    timeline.start();
    publish(1, false);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!timeline.seenAvailable(1)) {
      if (System.nanoTime() > deadline) {
        System.err.println("bench-reload: version 1 never became AVAILABLE");
        return false;
      }
      Thread.sleep(50);
    }
    List<Client> clients = new ArrayList<>();
    String body = RequestBodies.windows(1, 12.2);
    for (int i = 0; i < clientCount; i++) {
      clients.add(i % 2 == 0 ? new RestClient(host, restPort, body)
          : new GrpcClient(host + ":" + grpcPort, window));
    }
    clients.forEach(Thread::start);
    long rssSwap = Math.min(RSS_SWAP, Math.max(1, swaps / 2));
    long rssStart = 0;
    long started = System.nanoTime();
    for (int swap = 1; swap <= swaps; swap++) {
      long due = started + swap * 1_000_000_000L;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      publish(swap + 1, swap == corruptAt);
      removeVersion(swap + 1 - KEEP);
      if (swap == rssSwap) {
        rssStart = rssKib(serverPid);
      }
      if (swap % 50 == 0) {
        System.err.printf(Locale.ROOT, "  swap %d: %d answers, RSS %.1f MiB%n", swap,
            clients.stream().mapToLong(c -> c.count).sum(), rssKib(serverPid) / 1024.0);
      }
    }
    // The last version comes in (however busy the machine) and answers for a second.
    deadline = System.nanoTime() + 60_000_000_000L;
    while (!timeline.seenAvailable(swaps + 1) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1000);
    long seconds = System.nanoTime();
    clients.forEach(Client::finish);
    for (Client client : clients) {
      client.join();
    }
    double elapsed = (seconds - started) / 1e9;
    long rssEnd = rssKib(serverPid);
    int last = swaps + 1;
    timeline.finish(last);
    return report(clients, elapsed, swaps, corruptAt, last, rssSwap, rssStart, rssEnd);
  }

  private boolean report(List<Client> clients, double elapsed, int swaps, int corruptAt,
      int last, long rssSwap, long rssStart, long rssEnd) {
    long answers = 0;
    long failed = 0;
    long outside = 0;
    List<String> problems = new ArrayList<>();
    for (Client client : clients) {
      answers += client.count;
      failed += client.failures;
      if (!client.firstFailure.isEmpty() && problems.size() < 5) {
        problems.add(client.firstFailure);
      }
      for (int i = 0; i < client.count; i++) {
        if (!fits(client.answers[3 * i], client.answers[3 * i + 1], client.answers[3 * i + 2],
            corruptAt + 1, last)) {
          outside++;
        }
      }
    }
    long rest = clients.stream().filter(c -> c instanceof RestClient).mapToLong(c -> c.count)
        .sum();
    long served = java.util.stream.LongStream.rangeClosed(1, last)
        .filter(timeline::seenAvailable).count();
    long corrupt = corruptAt + 1L;
    String corruptError = timeline.error(corrupt).orElse("");
    boolean corruptOk = corruptAt < 1 || (!corruptError.isEmpty()
        && !timeline.seenAvailable(corrupt));
    long growth = rssEnd - rssStart;
    System.out.printf(Locale.ROOT, "swaps: %d in %.0f s, %d versions published, %d seen AVAILABLE"
        + " on the status page (%d polls)%n", swaps, elapsed, last, served, timeline.polls());
    System.out.printf(Locale.ROOT, "answers: %d (%d REST, %d gRPC), %.0f requests/s, failed or"
        + " wrong: %d%n", answers, rest, answers - rest, answers / elapsed, failed);
    problems.forEach(p -> System.out.println("  e.g. " + p));
    System.out.printf(Locale.ROOT, "answers from a version not AVAILABLE at the time: %d%n",
        outside);
    System.out.println(corruptAt < 1 ? "corrupt version: none published"
        : "corrupt version " + corrupt + ": " + (corruptError.isEmpty() ? "NOT reported"
            : "reported (" + shorten(corruptError) + ")") + ", "
            + (timeline.seenAvailable(corrupt) ? "AVAILABLE (wrong)" : "never AVAILABLE"));
    System.out.printf(Locale.ROOT, "server RSS: %.1f MiB at swap %d, %.1f MiB at the end: %+.1f"
        + " MiB (limit +10)%n", rssStart / 1024.0, rssSwap, rssEnd / 1024.0, growth / 1024.0);
    if (rssSwap < RSS_SWAP) {
      System.out.println("  (fewer than " + 2 * RSS_SWAP + " swaps: the baseline is inside the"
          + " warm-up, so the RSS check is for longer runs)");
    }
    System.out.println("| swaps | clients (REST + gRPC) | answers | requests/s | failed | not"
        + " AVAILABLE | corrupt version | RSS MiB at swap " + rssSwap + " → end |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.printf(Locale.ROOT, "| %d | %d + %d | %d | %.0f | %d | %d | %s | %.1f → %.1f"
        + " (%+.1f) |%n", swaps, (clients.size() + 1) / 2, clients.size() / 2, answers,
        answers / elapsed, failed, outside, corruptAt < 1 ? "none" : corruptOk
            ? "reported, skipped" : "NOT skipped", rssStart / 1024.0, rssEnd / 1024.0,
        growth / 1024.0);
    if (!timeline.pollFailure().isEmpty()) {
      System.out.println("a status poll failed: " + timeline.pollFailure());
    }
    boolean ok = failed == 0 && outside == 0 && corruptOk && growth <= GROWTH_LIMIT_KIB
        && answers > 0 && timeline.seenAvailable(last);
    System.out.println(ok ? "bench-reload: every check passed" : "bench-reload: a check FAILED");
    return ok;
  }

  private static String shorten(String text) {
    return text.length() <= 160 ? text : text.substring(0, 157) + "...";
  }

  /**
   * Whether an answer fits a version AVAILABLE while it ran: gRPC's named version itself, or for
   * REST (coded {@code -(variant + 1)}) any version with those numbers; never the corrupt one.
   */
  private boolean fits(long answeredBy, long sent, long received, long corrupt, int last) {
    if (answeredBy > 0) {
      return answeredBy != corrupt && timeline.availableDuring(answeredBy, sent, received);
    }
    for (long v = -answeredBy - 1; v <= last; v += VARIANTS) {
      if (v != corrupt && timeline.availableDuring(v, sent, received)) {
        return true;
      }
    }
    return false;
  }

  /** The numbers that version's variant answers for {@code window}, run in this process. */
  private static float[] reference(Path versionDir, TensorValues window) {
    try (SavedModelBundle bundle = SavedModels.load(versionDir);
        Tensor x = Tensors.of(window.floats(), window.shape());
        Result result = bundle.function("serving_default").call(Map.of("X", x))) {
      return Tensors.toArray(result.get("outputs").orElseThrow());
    }
  }

  /** Which variant's numbers {@code outputs} are, or -1 for none. */
  private int variantOf(float[] outputs) {
    for (int k = 0; k < VARIANTS; k++) {
      if (outputs.length == expected[k].length && maxDifference(outputs, expected[k])
          <= TOLERANCE) {
        return k;
      }
    }
    return -1;
  }

  private static double maxDifference(float[] a, float[] b) {
    double most = 0;
    for (int i = 0; i < a.length; i++) {
      most = Math.max(most, Math.abs(a[i] - b[i]));
    }
    return most;
  }

  /** Copies the version's variant under a temporary name, then renames it into place. */
  private void publish(long version, boolean corrupt) throws IOException {
    Path source = work.resolve("variants").resolve("v" + version % VARIANTS).resolve("1");
    Path staging = work.resolve("staging").resolve(Long.toString(version));
    Trees.copy(source, staging);
    if (corrupt) {
      Files.writeString(staging.resolve("saved_model.pb"), "not a SavedModel: corrupt on purpose");
    }
    Files.createDirectories(modelDir);
    timeline.published(version);
    Files.move(staging, modelDir.resolve(Long.toString(version)),
        StandardCopyOption.ATOMIC_MOVE);
  }

  private void removeVersion(long version) throws IOException {
    Path dir = modelDir.resolve(Long.toString(version));
    if (version < 1 || !Files.exists(dir)) {
      return;
    }
    Trees.delete(dir);
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  /** One closed loop; keeps (answered by, sent, received) per answer and counts failures. */
  private abstract class Client extends Thread {
    long[] answers = new long[3 << 12];
    int count;
    long failures;
    String firstFailure = "";
    volatile boolean running = true;

    Client() {
      setDaemon(true);
    }

    void finish() {
      running = false;
    }

    /** Sends one request; returns what answered it (see {@link #fits}). */
    abstract long call() throws IOException;

    @Override
    public void run() {
      while (running) {
        long sent = System.nanoTime();
        try {
          long answeredBy = call();
          long received = System.nanoTime();
          if (3 * count + 3 > answers.length) {
            answers = Arrays.copyOf(answers, answers.length * 2);
          }
          answers[3 * count] = answeredBy;
          answers[3 * count + 1] = sent;
          answers[3 * count + 2] = received;
          count++;
        } catch (IOException | RuntimeException e) {
          failed(e.toString());
        }
      }
    }

    void failed(String why) {
      failures++;
      if (firstFailure.isEmpty()) {
        firstFailure = getClass().getSimpleName() + ": " + shorten(why);
      }
    }

    /** The variant {@code outputs} are, or an exception for numbers no variant gives. */
    int variant(float[] outputs) {
      int k = variantOf(outputs);
      if (k < 0) {
        throw new IllegalStateException("an answer no version gives: "
            + Arrays.toString(Arrays.copyOf(outputs, 3)) + "...");
      }
      return k;
    }
  }

  /** REST :predict on one keep-alive connection. */
  private final class RestClient extends Client {
    private final String host;
    private final int port;
    private final byte[] request;
    private Socket socket;
    private InputStream in;

    RestClient(String host, int port, String body) {
      this.host = host;
      this.port = port;
      byte[] payload = body.getBytes(StandardCharsets.UTF_8);
      byte[] head = ("POST /v1/models/" + MODEL + ":predict HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      request = Arrays.copyOf(head, head.length + payload.length);
      System.arraycopy(payload, 0, request, head.length, payload.length);
    }

    @Override
    long call() throws IOException {
      if (socket == null) {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      }
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      LoadGenerator.Response response;
      try {
        response = LoadGenerator.Response.read(in);
      } catch (IOException e) {
        socket.close();
        socket = null;
        throw e;
      }
      if (response.close()) {
        socket.close();
        socket = null;
      }
      String text = new String(response.body(), StandardCharsets.UTF_8);
      if (response.status() != 200) {
        throw new IOException("HTTP " + response.status() + ": " + text);
      }
      List<Float> values = new ArrayList<>();
      collect(JSON.readTree(text).path("predictions"), values);
      float[] outputs = new float[values.size()];
      for (int i = 0; i < outputs.length; i++) {
        outputs[i] = values.get(i);
      }
      return -(variant(outputs) + 1L);
    }

    private void collect(JsonNode node, List<Float> values) {
      if (node.isArray()) {
        node.forEach(child -> collect(child, values));
      } else {
        values.add(node.floatValue());
      }
    }
  }

  /** gRPC Predict on its own channel. */
  private final class GrpcClient extends Client {
    private final String target;
    private final TensorValues window;
    private PredictionClient client;

    GrpcClient(String target, TensorValues window) {
      this.target = target;
      this.window = window;
    }

    @Override
    public void run() {
      try (PredictionClient client = PredictionClient.connect(target)) {
        this.client = client;
        super.run();
      }
    }

    @Override
    long call() {
      dev.tfjava.course.serve.core.PredictResponse answer = client.predict(
          ModelSpec.latest(MODEL), "", Map.of("X", window));
      int k = variant(answer.outputs().get("outputs").floats());
      if (k != answer.version() % VARIANTS) {
        throw new IllegalStateException("version " + answer.version() + " answered with the"
            + " numbers of variant " + k);
      }
      return answer.version();
    }
  }
}
