package dev.tfjava.course.serve.config;

import com.google.protobuf.TextFormat;
import dev.tfjava.course.serve.core.ModelConfig;
import dev.tfjava.course.serve.core.ModelConfigSource;
import dev.tfjava.course.serve.core.VersionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tensorflow.serving.FileSystemStoragePathSource.FileSystemStoragePathSourceConfig.ServableVersionPolicy;
import tensorflow.serving.ModelServerConfigOuterClass.ModelConfig.Builder;
import tensorflow.serving.ModelServerConfigOuterClass.ModelConfigList;
import tensorflow.serving.ModelServerConfigOuterClass.ModelServerConfig;

/**
 * TF Serving's model config file ({@code --model_config_file}): a text-format
 * {@code ModelServerConfig} holding a {@code model_config_list}, read with protobuf's own
 * TextFormat parser on the compiled message, so any file TF Serving reads reads here and any file
 * written here TF Serving reads. TF Serving's rules hold: unique names, absolute base paths,
 * platform {@code tensorflow}; version policies {@code latest { num_versions }} (default 1),
 * {@code all {}}, {@code specific { versions }}; {@code version_labels}.
 */
public final class ModelConfigFile {
  /** The one platform TF Serving's standard build (and this server) serves. */
  public static final String PLATFORM = "tensorflow";

  private ModelConfigFile() {}

  /**
   * The models listed in {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the problem, for a file that cannot
   *     be read, does not parse or breaks TF Serving's rules
   */
  public static List<ModelConfig> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read it (" + e + ")", e);
    }
    ModelServerConfig.Builder config = ModelServerConfig.newBuilder();
    try {
      TextFormat.getParser().merge(text, config);
    } catch (TextFormat.ParseException e) {
      // TF Serving's wording, which its tests and log scrapers look for.
      throw new IllegalArgumentException(file + ": Error parsing text-format "
          + ModelServerConfig.getDescriptor().getFullName() + ": " + e.getMessage(), e);
    }
    if (config.getConfigCase() != ModelServerConfig.ConfigCase.MODEL_CONFIG_LIST) {
      throw new IllegalArgumentException(file + ": expected model_config_list { config { ... } }"
          + " (custom_model_config is not supported)");
    }
    List<ModelConfig> models = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (var model : config.getModelConfigList().getConfigList()) {
      String where = file + ": model \"" + model.getName() + "\"";
      if (model.getName().isEmpty()) {
        throw new IllegalArgumentException(file + ": a config has no name");
      }
      if (!names.add(model.getName())) {
        throw new IllegalArgumentException(file + ": Illegal to list model " + model.getName()
            + " multiple times in config list");
      }
      Path base = Path.of(model.getBasePath());
      if (model.getBasePath().isEmpty() || !base.isAbsolute()) {
        throw new IllegalArgumentException(where + ": base_path must be an absolute path (TF"
            + " Serving refuses others), got \"" + model.getBasePath() + "\"");
      }
      if (!model.getModelPlatform().isEmpty() && !model.getModelPlatform().equals(PLATFORM)) {
        throw new IllegalArgumentException(where + ": model_platform \""
            + model.getModelPlatform() + "\" is not served (only \"" + PLATFORM + "\")");
      }
      models.add(new ModelConfig(model.getName(), base, policy(model.getModelVersionPolicy()),
          model.getVersionLabelsMap()));
    }
    return models;
  }

  private static VersionPolicy policy(ServableVersionPolicy policy) {
    return switch (policy.getPolicyChoiceCase()) {
      // TF Serving serves at least one: num_versions 0 (the field's default) means 1.
      case LATEST -> new VersionPolicy.Latest(Math.max(1, policy.getLatest().getNumVersions()));
      case ALL -> new VersionPolicy.All();
      case SPECIFIC -> new VersionPolicy.Specific(Set.copyOf(
          policy.getSpecific().getVersionsList()));
      case POLICYCHOICE_NOT_SET -> VersionPolicy.latest();
    };
  }

  /**
   * A source that reads {@code file} now, and again every {@code pollWait} when that is positive
   * (TF Serving's {@code --model_config_file_poll_wait_seconds}; zero reads it once).
   */
  public static ModelConfigSource source(Path file, Duration pollWait) {
    return new ModelConfigSource() {
      private List<ModelConfig> last;
      private long readAt;

      @Override
      public synchronized List<ModelConfig> models() {
        long now = System.nanoTime();
        boolean due = !pollWait.isZero() && now - readAt >= pollWait.toNanos();
        if (last == null || due) {
          readAt = now;
          last = read(file);
        }
        return last;
      }
    };
  }

  /** The text-format ModelServerConfig for {@code models}, as TF Serving reads it. */
  public static String write(List<ModelConfig> models) {
    ModelConfigList.Builder list = ModelConfigList.newBuilder();
    for (ModelConfig model : models) {
      Builder config = list.addConfigBuilder()
          .setName(model.name())
          .setBasePath(model.basePath().toAbsolutePath().normalize().toString())
          .setModelPlatform(PLATFORM)
          .putAllVersionLabels(model.sortedLabels());
      // Java 17: no pattern switch; the default policy (latest 1) is left unwritten.
      if (model.policy() instanceof VersionPolicy.Latest latest && latest.versions() != 1) {
        config.getModelVersionPolicyBuilder().getLatestBuilder()
            .setNumVersions(latest.versions());
      } else if (model.policy() instanceof VersionPolicy.All) {
        config.getModelVersionPolicyBuilder().getAllBuilder();
      } else if (model.policy() instanceof VersionPolicy.Specific specific) {
        config.getModelVersionPolicyBuilder().getSpecificBuilder()
            .addAllVersions(specific.sorted());
      }
    }
    return TextFormat.printer().printToString(
        ModelServerConfig.newBuilder().setModelConfigList(list).build());
  }
}
