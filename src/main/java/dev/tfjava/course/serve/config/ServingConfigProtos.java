package dev.tfjava.course.serve.config;

import com.google.protobuf.BoolValue;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;

/**
 * TF Serving's two flat configuration messages, {@code MonitoringConfig}
 * ({@code tensorflow_serving/config/monitoring_config.proto}) and {@code BatchingParameters}
 * ({@code tensorflow_serving/servables/tensorflow/session_bundle_config.proto}), declared here
 * with their packages, names and field numbers so that protobuf's own text-format parser reads
 * the files TF Serving reads (comments, either field order, {@code < >} or {@code { }}, wrapper
 * types, unknown fields refused with their line and column).
 *
 * <p>Why not generated classes: this branch has no protobuf code generation; once TF Serving's
 * .proto files are compiled in (src/main/protobuf), this class gives way to their generated
 * {@code MonitoringConfig} and {@code BatchingParameters} and TextFormat on them.
 */
final class ServingConfigProtos {
  static final Descriptor MONITORING_CONFIG;
  static final Descriptor BATCHING_PARAMETERS;

  private static final String WRAPPERS = "google/protobuf/wrappers.proto";

  static {
    try {
      FileDescriptor monitoring = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
          .setName("tensorflow_serving/config/monitoring_config.proto")
          .setPackage("tensorflow.serving").setSyntax("proto3")
          .addMessageType(DescriptorProto.newBuilder().setName("PrometheusConfig")
              .addField(field("enable", 1, FieldDescriptorProto.Type.TYPE_BOOL, null))
              .addField(field("path", 2, FieldDescriptorProto.Type.TYPE_STRING, null)))
          .addMessageType(DescriptorProto.newBuilder().setName("MonitoringConfig")
              .addField(field("prometheus_config", 1, FieldDescriptorProto.Type.TYPE_MESSAGE,
                  ".tensorflow.serving.PrometheusConfig")))
          .build(), new FileDescriptor[0]);
      MONITORING_CONFIG = monitoring.findMessageTypeByName("MonitoringConfig");
      FileDescriptor batching = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
          .setName("tensorflow_serving/servables/tensorflow/session_bundle_config.proto")
          .setPackage("tensorflow.serving").setSyntax("proto3").addDependency(WRAPPERS)
          .addMessageType(DescriptorProto.newBuilder().setName("BatchingParameters")
              .addField(wrapper("max_batch_size", 1, "Int64Value"))
              .addField(wrapper("batch_timeout_micros", 2, "Int64Value"))
              .addField(wrapper("max_enqueued_batches", 3, "Int64Value"))
              .addField(wrapper("num_batch_threads", 4, "Int64Value"))
              .addField(wrapper("thread_pool_name", 5, "StringValue"))
              .addField(field("allowed_batch_sizes", 6, FieldDescriptorProto.Type.TYPE_INT64, null)
                  .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED))
              .addField(field("pad_variable_length_inputs", 7,
                  FieldDescriptorProto.Type.TYPE_BOOL, null))
              .addField(wrapper("enable_large_batch_splitting", 8, "BoolValue"))
              .addField(wrapper("max_execution_batch_size", 9, "Int64Value")))
          .build(), new FileDescriptor[] {BoolValue.getDescriptor().getFile()});
      BATCHING_PARAMETERS = batching.findMessageTypeByName("BatchingParameters");
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ServingConfigProtos() {}

  private static FieldDescriptorProto.Builder field(String name, int number,
      FieldDescriptorProto.Type type, String typeName) {
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name)
        .setNumber(number).setType(type).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    return typeName == null ? field : field.setTypeName(typeName);
  }

  private static FieldDescriptorProto.Builder wrapper(String name, int number, String wrapper) {
    return field(name, number, FieldDescriptorProto.Type.TYPE_MESSAGE,
        ".google.protobuf." + wrapper);
  }

  /**
   * Parses {@code text} as a {@code type} message, strictly: unknown fields and a singular field
   * given twice are errors, as in TF Serving's C++ parser.
   */
  static DynamicMessage parse(Descriptor type, String text) throws TextFormat.ParseException {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    TextFormat.Parser.newBuilder()
        .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy
            .FORBID_SINGULAR_OVERWRITES)
        .build()
        .merge(text, builder);
    return builder.build();
  }
}
