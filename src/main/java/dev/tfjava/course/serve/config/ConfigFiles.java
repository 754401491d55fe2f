package dev.tfjava.course.serve.config;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one of TF Serving's text-format configuration files, with one-line errors naming it. */
final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * The message in {@code file}, parsed into {@code builder} (one of TF Serving's compiled
   * messages) strictly: unknown fields and a singular field given twice are errors, as in
   * TF Serving's C++ parser.
   *
   * @throws CourseException bad input (exit 2) for a missing, unreadable or malformed file
   */
  static <B extends Message.Builder> B read(String option, Path file, B builder) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CourseException.badInput(option + " " + file + ": cannot read it (" + e + ")");
    }
    try {
      TextFormat.Parser.newBuilder()
          .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy
              .FORBID_SINGULAR_OVERWRITES)
          .build()
          .merge(text, builder);
      return builder;
    } catch (TextFormat.ParseException e) {
      throw CourseException.badInput(option + " " + file + ": Error parsing text-format "
          + builder.getDescriptorForType().getFullName() + ": "
          + e.getMessage().replaceAll("\\s*\n\\s*", " "));
    }
  }

  /** The bad-input error for a field value that parses but cannot be used. */
  static CourseException invalid(String option, Path file, String problem) {
    return CourseException.badInput(option + " " + file + ": " + problem);
  }
}
