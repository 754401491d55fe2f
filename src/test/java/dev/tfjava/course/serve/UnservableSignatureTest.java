package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * A version with one signature that does not match its graph (a DT_STRING input declared for a
 * float tensor, as TF Serving's half_plus_three has) still loads, as in TF Serving: its other
 * signatures answer, the broken one is FAILED_PRECONDITION (REST 400) naming TensorFlow's reason.
 */
class UnservableSignatureTest {
  @TempDir
  Path models;

  @Test
  void aVersionLoadsWithoutTheSignatureItCannotServe() throws Exception {
    Path version = StandInModels.exportLstm(models, "lstm", 1);
    Path pb = version.resolve("saved_model.pb");
    SavedModel.Builder model = SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
    MetaGraphDef.Builder meta = model.getMetaGraphsBuilder(0);
    SignatureDef good = meta.getSignatureDefOrThrow("serving_default");
    Map.Entry<String, TensorInfo> input = good.getInputsMap().entrySet().iterator().next();
    meta.putSignatureDef("broken", good.toBuilder().putInputs(input.getKey(),
        input.getValue().toBuilder().setDtype(DataType.DT_STRING).build()).build());
    Files.write(pb, model.build().toByteArray());

    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1),
        line -> { });
    try (ServingFixture serving = ServingFixture.of(models, ServingServer.start(repository,
        ServingFixture.settings(), line -> { }))) {
      float[][] rows = ServingFixture.windows(2, 0.5);
      ServingFixture.Answer ok = serving.post("/v1/models/lstm:predict",
          ServingFixture.windowInstances(rows));
      assertEquals(200, ok.status(), ok.body());
      ServingFixture.Answer broken = serving.post("/v1/models/lstm:predict",
          ServingFixture.windowInstances(rows).replaceFirst("^\\{",
              "{\"signature_name\":\"broken\","));
      String error = ServingFixture.assertError(400, broken);
      assertTrue(error.contains("Signature \"broken\" of model lstm version 1 cannot be served")
          && error.contains("DT_STRING"), error);
    }
  }
}
