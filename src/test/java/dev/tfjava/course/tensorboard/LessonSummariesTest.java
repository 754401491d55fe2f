package dev.tfjava.course.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.lessons.BasicRnnLesson;
import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.train.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/** The training lessons' event files, parsed back and held against what the lessons printed. */
class LessonSummariesTest {

  @TempDir
  Path temp;

  /** step → value of one scalar tag. */
  private static Map<Long, Float> scalars(List<Event> events, String tag) {
    Map<Long, Float> values = new LinkedHashMap<>();
    for (Event e : events) {
      for (var v : e.getSummary().getValueList()) {
        if (v.getTag().equals(tag) && !v.hasHisto()) {
          values.put(e.getStep(), v.getSimpleValue());
        }
      }
    }
    return values;
  }

  private static Set<String> histogramTags(List<Event> events) {
    Set<String> tags = new TreeSet<>();
    events.forEach(e -> e.getSummary().getValueList().stream()
        .filter(v -> v.hasHisto()).forEach(v -> tags.add(v.getTag())));
    return tags;
  }

  /** The top-level name scopes of the logged graph. */
  private static Set<String> scopes(List<Event> events) throws IOException {
    List<GraphDef> graphs = new ArrayList<>();
    for (Event e : events) {
      if (!e.getGraphDef().isEmpty()) {
        graphs.add(GraphDef.parseFrom(e.getGraphDef()));
      }
    }
    assertEquals(1, graphs.size(), "the graph is written once");
    Set<String> scopes = new TreeSet<>();
    for (NodeDef node : graphs.get(0).getNodeList()) {
      int slash = node.getName().indexOf('/');
      if (slash > 0) {
        scopes.add(node.getName().substring(0, slash));
      }
    }
    return scopes;
  }

  private List<Event> onlyEventFile(Path logdir) throws IOException {
    List<Path> files = EventFiles.find(logdir);
    assertEquals(1, files.size(), "one event file in " + logdir);
    return EventFiles.read(files.get(0));
  }

  @Test
  void sequenceLessonLogsLossMseHistogramsAndItsScopes() throws IOException {
    Path logdir = temp.resolve("logs");
    Path out = temp.resolve("out");
    int exit = CommandLines.create(new BasicRnnLesson()).execute("--quick", "--out", out.toString(),
        "--models", temp.resolve("models").toString(), "--checkpoints",
        temp.resolve("ckpt").toString(), "--logdir", logdir.toString(), "--device", "cpu");
    assertEquals(0, exit);
    List<Event> events = onlyEventFile(logdir);

    // The printed MSEs (metrics.json keeps them) are the logged "mse" points, step for step.
    JsonNode metrics = Metrics.json().readTree(out.resolve("metrics.json").toFile())
        .get("models").get(0);
    Map<Long, Float> mse = scalars(events, "mse");
    assertFalse(mse.isEmpty());
    for (JsonNode report : metrics.get("mse_reports")) {
      assertEquals((float) report.get("mse").asDouble(), mse.get(report.get("iteration").asLong()),
          "mse at " + report.get("iteration"));
    }
    assertEquals(metrics.get("mse_reports").size(), mse.size());
    // --quick trains 50 iterations: the loss every 10 steps.
    assertEquals(List.of(0L, 10L, 20L, 30L, 40L), new ArrayList<>(scalars(events, "loss").keySet()));
    assertEquals(Set.of("basic_rnn_cell_bias", "basic_rnn_cell_input_kernel",
        "basic_rnn_cell_recurrent_kernel", "dense_bias", "dense_kernel"), histogramTags(events));
    assertTrue(scopes(events).containsAll(
        Set.of("Inputs", "Cell", "Outputs", "Training", "Init_and_Saver")), scopes(events).toString());
    assertEquals(logdir.toString(), metrics.get("tensorboard_logdir").asText());
  }

  @Test
  void mnistLessonLogsAccuracyPerEpochAndTheNotebooksScopes() throws IOException {
    Path logdir = temp.resolve("logs");
    Path out = temp.resolve("out");
    int exit = CommandLines.create(new MnistCnn()).execute("--quick", "--offline",
        "--cache", temp.resolve("cache").toString(), "--out", out.toString(),
        "--models", temp.resolve("models").toString(), "--checkpoints",
        temp.resolve("ckpt").toString(), "--logdir", logdir.toString(), "--device", "cpu");
    assertEquals(0, exit);
    List<Event> events = onlyEventFile(logdir);

    JsonNode epoch = Metrics.json().readTree(out.resolve("metrics.json").toFile())
        .get("epochs").get(0);
    long steps = 1834 / 50; // the sample's training split, batches of 50
    assertEquals(Map.of(steps, (float) epoch.get("test_accuracy").asDouble()),
        scalars(events, "accuracy/test"));
    assertEquals(Map.of(steps, (float) epoch.get("train_accuracy").asDouble()),
        scalars(events, "accuracy/train"));
    assertEquals(List.of(0L, 10L, 20L, 30L), new ArrayList<>(scalars(events, "loss").keySet()));
    assertEquals(Set.of("conv1/kernel", "conv1/bias", "fc1/kernel", "fc1/bias", "output/kernel",
        "output/bias"), histogramTags(events));
    assertTrue(scopes(events).containsAll(Set.of("Inputs", "Conv1", "pool2", "fc1", "dropout",
        "output", "train", "eval")), scopes(events).toString());
  }

  @Test
  void noTensorboardWritesNoEvents() throws IOException {
    Path out = temp.resolve("out");
    int exit = CommandLines.create(new BasicRnnLesson()).execute("--quick", "--no-tensorboard",
        "--out", out.toString(), "--models", temp.resolve("models").toString(),
        "--checkpoints", temp.resolve("ckpt").toString(), "--device", "cpu",
        "--logdir", temp.resolve("logs").toString());
    assertEquals(0, exit);
    assertFalse(Files.exists(temp.resolve("logs")));
    assertFalse(Metrics.json().readTree(out.resolve("metrics.json").toFile())
        .has("tensorboard_logdir"));
  }
}
