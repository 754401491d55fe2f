package dev.tfjava.course.serve.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
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
   * The message in {@code file}.
   *
   * @throws CourseException bad input (exit 2) for a missing, unreadable or malformed file
   */
  static DynamicMessage read(String option, Path file, Descriptor type) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CourseException.badInput(option + " " + file + ": cannot read it (" + e + ")");
    }
    try {
      return ServingConfigProtos.parse(type, text);
    } catch (TextFormat.ParseException e) {
      throw CourseException.badInput(option + " " + file + ": Error parsing text-format "
          + type.getFullName() + ": " + e.getMessage().replaceAll("\\s*\n\\s*", " "));
    }
  }

  /** The bad-input error for a field value that parses but cannot be used. */
  static CourseException invalid(String option, Path file, String problem) {
    return CourseException.badInput(option + " " + file + ": " + problem);
  }
}
