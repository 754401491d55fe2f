package dev.tfjava.course.serve.grpc;

import com.google.protobuf.Int64Value;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.ServingException;
import java.util.Optional;
import java.util.OptionalLong;
import tensorflow.serving.Model;

/** TF Serving's {@code ModelSpec} message to and from the core's {@link ModelSpec}. */
final class ProtoSpecs {
  private ProtoSpecs() {}

  /**
   * The servable a request names.
   *
   * @throws ServingException INVALID_ARGUMENT for a missing spec or an empty name
   */
  static ModelSpec toCore(boolean present, Model.ModelSpec spec) {
    if (!present) {
      throw ServingException.invalidArgument("Missing ModelSpec");
    }
    OptionalLong version = spec.hasVersion() ? OptionalLong.of(spec.getVersion().getValue())
        : OptionalLong.empty();
    Optional<String> label = spec.getVersionChoiceCase()
        == Model.ModelSpec.VersionChoiceCase.VERSION_LABEL
        ? Optional.of(spec.getVersionLabel()) : Optional.empty();
    return new ModelSpec(spec.getName(), version, label);
  }

  /** The spec a predict answer echoes: the servable that answered and the signature. */
  static Model.ModelSpec answered(String name, long version, String signature) {
    return answered(name, version).toBuilder().setSignatureName(signature).build();
  }

  /** The spec a metadata answer echoes: the servable that answered. */
  static Model.ModelSpec answered(String name, long version) {
    return Model.ModelSpec.newBuilder().setName(name).setVersion(Int64Value.of(version)).build();
  }
}
