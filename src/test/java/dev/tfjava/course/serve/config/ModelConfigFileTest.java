package dev.tfjava.course.serve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import dev.tfjava.course.serve.core.ModelConfig;
import dev.tfjava.course.serve.core.VersionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tensorflow.serving.ModelServerConfigOuterClass.ModelServerConfig;

/** TF Serving's model config text format: read by TF Serving's rules, written so it reads back. */
class ModelConfigFileTest {
  @TempDir
  Path dir;

  private List<ModelConfig> read(String text) throws Exception {
    Path file = dir.resolve("models.config");
    Files.writeString(file, text);
    return ModelConfigFile.read(file);
  }

  @Test
  void readsPoliciesAndLabels() throws Exception {
    List<ModelConfig> models = read("""
        model_config_list {
          config { name: "a" base_path: "/m/a" model_platform: "tensorflow" }
          config { name: "b" base_path: "/m/b" model_platform: "tensorflow"
                   model_version_policy { latest { num_versions: 2 } } }
          config { name: "c" base_path: "/m/c" model_version_policy { all {} } }
          config { name: "d" base_path: "/m/d" model_platform: "tensorflow"
                   model_version_policy { specific { versions: 3 versions: 5 } }
                   version_labels { key: "stable" value: 3 }
                   version_labels { key: "canary" value: 5 } }
        }
        """);
    assertEquals(List.of("a", "b", "c", "d"), models.stream().map(ModelConfig::name).toList());
    assertEquals(new VersionPolicy.Latest(1), models.get(0).policy());
    assertEquals(new VersionPolicy.Latest(2), models.get(1).policy());
    assertEquals(new VersionPolicy.All(), models.get(2).policy());
    assertEquals(new VersionPolicy.Specific(Set.of(3L, 5L)), models.get(3).policy());
    assertEquals(Map.of("stable", 3L, "canary", 5L), models.get(3).labels());
    assertEquals(Path.of("/m/d"), models.get(3).basePath());
  }

  @Test
  void refusesWhatTfServingRefuses() {
    String[][] cases = {
        {"model_config_list { config { name: \"a\" base_path: \"/a\" } "
            + "config { name: \"a\" base_path: \"/b\" } }", "multiple times"},
        {"model_config_list { config { name: \"a\" base_path: \"models/a\" } }", "absolute"},
        {"model_config_list { config { name: \"a\" base_path: \"/a\" model_platform: \"onnx\" }"
            + " }", "model_platform \"onnx\""},
        {"model_config_list { config { name: \"a\" base_pth: \"/a\" } }", "base_pth"},
        {"model_config_list { config { base_path: \"/a\" } }", "no name"},
        {"", "expected model_config_list"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> read(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ModelConfigFile.read(dir.resolve("missing.config"))).getMessage()
        .contains("cannot read it"));
  }

  @Test
  void writesWhatItAndTfServingsParserRead() throws Exception {
    List<ModelConfig> models = List.of(
        ModelConfig.latest("lstm", Path.of("/srv/saved-models/lstm")),
        new ModelConfig("cnn", Path.of("/srv/saved-models/mnist_cnn"),
            new VersionPolicy.Specific(Set.of(2L, 1L)), Map.of("stable", 1L)),
        new ModelConfig("gru", Path.of("/srv/gru"), new VersionPolicy.Latest(3), Map.of()),
        new ModelConfig("rnn", Path.of("/srv/rnn"), new VersionPolicy.All(), Map.of()));
    String text = ModelConfigFile.write(models);
    // Protobuf's own strict parser, the one TF Serving reads its file with.
    ModelServerConfig parsed = TextFormat.parse(text, ModelServerConfig.class);
    assertEquals("tensorflow", parsed.getModelConfigList().getConfig(0).getModelPlatform());
    assertEquals("/srv/saved-models/lstm", parsed.getModelConfigList().getConfig(0)
        .getBasePath());
    assertEquals(models, read(text));
  }
}
