package dev.tfjava.course.serve.tools;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.tfjava.course.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the TensorFlow core .proto files that TF Serving's import (tensor, meta_graph, example,
 * error_codes, config, named_tensor and what they import) as TF Java 1.1.0 compiled them: printed from the descriptors
 * inside its {@code org.tensorflow.proto} classes, so that the messages, field numbers and java
 * options are exactly those of the classes the generated TF Serving code runs against. protoc
 * reads them as imports only (no second copy of these classes is generated).
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:$(deps) ...ProtoImports
 * src/main/protobuf-imports}; {@code ProtoImportsTest} checks the committed files are current.
 */
public final class ProtoImports {
  /** The roots TF Serving's files import; their own imports follow. */
  static final List<FileDescriptor> ROOTS = List.of(
      org.tensorflow.proto.TensorProtos.getDescriptor(),
      org.tensorflow.proto.MetaGraphProtos.getDescriptor(),
      org.tensorflow.proto.ExampleProtos.getDescriptor(),
      org.tensorflow.proto.error.dummy.ErrorCodes.getDescriptor(),
      // session_service.proto, which prediction_log.proto (the warm-up records) imports.
      org.tensorflow.proto.ConfigProtos.getDescriptor(),
      org.tensorflow.proto.NamedTensorProtos.getDescriptor());

  private static final String HEADER = """
      // Copyright The TensorFlow Authors. All Rights Reserved.
      //
      // Licensed under the Apache License, Version 2.0 (the "License");
      // you may not use this file except in compliance with the License.
      // You may obtain a copy of the License at
      //
      //     http://www.apache.org/licenses/LICENSE-2.0
      //
      // Unless required by applicable law or agreed to in writing, software
      // distributed under the License is distributed on an "AS IS" BASIS,
      // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
      // See the License for the specific language governing permissions and
      // limitations under the License.
      // ==============================================================================
      //
      // TensorFlow's %s
      // as TF Java 1.1.0 compiled it (org.tensorflow.proto), printed from the descriptor in
      // its classes by dev.tfjava.course.serve.tools.ProtoImports: the messages, fields and
      // numbers of those classes, without the comments. An import for protoc only: no Java
      // is generated from this file.

      """;

  private ProtoImports() {}

  public static void main(String[] args) {
    Path out = Path.of(args.length > 0 ? args[0] : "src/main/protobuf-imports");
    render().forEach((name, text) -> {
      AtomicFiles.write(out.resolve(name), text.getBytes(StandardCharsets.UTF_8));
      System.out.println("wrote " + out.resolve(name));
    });
  }

  /** Every file reachable from {@link #ROOTS} except protobuf's own, by import path. */
  static Map<String, String> render() {
    Map<String, String> files = new LinkedHashMap<>();
    Deque<FileDescriptor> todo = new ArrayDeque<>(ROOTS);
    while (!todo.isEmpty()) {
      FileDescriptor file = todo.poll();
      if (file.getName().startsWith("google/protobuf/") || files.containsKey(file.getName())) {
        continue;
      }
      files.put(file.getName(), print(file.toProto()));
      todo.addAll(file.getDependencies());
    }
    return files;
  }

  static String print(FileDescriptorProto file) {
    StringBuilder out = new StringBuilder(String.format(HEADER, file.getName()));
    out.append("syntax = \"").append(file.getSyntax().isEmpty() ? "proto2" : file.getSyntax())
        .append("\";\n\npackage ").append(file.getPackage()).append(";\n\n");
    for (int i = 0; i < file.getDependencyCount(); i++) {
      boolean isPublic = file.getPublicDependencyList().contains(i);
      out.append("import ").append(isPublic ? "public " : "").append('"')
          .append(file.getDependency(i)).append("\";\n");
    }
    FileOptions options = file.getOptions();
    out.append(file.getDependencyCount() > 0 ? "\n" : "");
    if (options.hasJavaPackage()) {
      out.append("option java_package = \"").append(options.getJavaPackage()).append("\";\n");
    }
    if (options.hasJavaOuterClassname()) {
      out.append("option java_outer_classname = \"").append(options.getJavaOuterClassname())
          .append("\";\n");
    }
    if (options.hasJavaMultipleFiles()) {
      out.append("option java_multiple_files = ").append(options.getJavaMultipleFiles())
          .append(";\n");
    }
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      printEnum(out, e, "");
    }
    for (DescriptorProto m : file.getMessageTypeList()) {
      printMessage(out, m, "", file.getSyntax().equals("proto3"));
    }
    return out.toString();
  }

  private static void printEnum(StringBuilder out, EnumDescriptorProto e, String indent) {
    out.append('\n').append(indent).append("enum ").append(e.getName()).append(" {\n");
    if (e.getOptions().getAllowAlias()) {
      out.append(indent).append("  option allow_alias = true;\n");
    }
    for (EnumValueDescriptorProto v : e.getValueList()) {
      out.append(indent).append("  ").append(v.getName()).append(" = ").append(v.getNumber())
          .append(";\n");
    }
    out.append(indent).append("}\n");
  }

  private static void printMessage(StringBuilder out, DescriptorProto m, String indent,
      boolean proto3) {
    out.append('\n').append(indent).append("message ").append(m.getName()).append(" {\n");
    String inner = indent + "  ";
    Map<String, DescriptorProto> maps = new LinkedHashMap<>();
    for (DescriptorProto nested : m.getNestedTypeList()) {
      if (nested.getOptions().getMapEntry()) {
        maps.put(nested.getName(), nested);
      } else {
        printMessage(out, nested, inner, proto3);
      }
    }
    for (EnumDescriptorProto e : m.getEnumTypeList()) {
      printEnum(out, e, inner);
    }
    int openOneof = -1;
    for (FieldDescriptorProto f : m.getFieldList()) {
      boolean realOneof = f.hasOneofIndex() && !f.getProto3Optional();
      if (openOneof >= 0 && (!realOneof || f.getOneofIndex() != openOneof)) {
        out.append(inner).append("}\n");
        openOneof = -1;
      }
      if (realOneof && openOneof != f.getOneofIndex()) {
        openOneof = f.getOneofIndex();
        out.append(inner).append("oneof ").append(m.getOneofDecl(openOneof).getName())
            .append(" {\n");
      }
      out.append(realOneof ? inner + "  " : inner).append(field(f, maps, proto3 || realOneof))
          .append(";\n");
    }
    if (openOneof >= 0) {
      out.append(inner).append("}\n");
    }
    out.append(indent).append("}\n");
  }

  private static String field(FieldDescriptorProto f, Map<String, DescriptorProto> maps,
      boolean proto3) {
    String typeName = f.getTypeName();
    String simple = typeName.substring(typeName.lastIndexOf('.') + 1);
    StringBuilder text = new StringBuilder();
    if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED && maps.containsKey(simple)) {
      DescriptorProto entry = maps.get(simple);
      text.append("map<").append(type(entry.getField(0))).append(", ")
          .append(type(entry.getField(1))).append("> ");
    } else {
      switch (f.getLabel()) {
        case LABEL_REPEATED -> text.append("repeated ");
        case LABEL_REQUIRED -> text.append("required ");
        default -> text.append(f.getProto3Optional() || !proto3 ? "optional " : "");
      }
      text.append(type(f)).append(' ');
    }
    text.append(f.getName()).append(" = ").append(f.getNumber());
    if (f.getOptions().hasDeprecated() && f.getOptions().getDeprecated()) {
      text.append(" [deprecated = true]");
    }
    return text.toString();
  }

  private static String type(FieldDescriptorProto f) {
    return switch (f.getType()) {
      case TYPE_MESSAGE, TYPE_ENUM -> f.getTypeName();
      default -> f.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
    };
  }
}
