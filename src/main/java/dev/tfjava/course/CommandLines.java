package dev.tfjava.course;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Builds picocli command lines with the project's error conventions: a wrong option or value is one
 * line on stderr and exit code 2; a {@link CourseException} is one line and its own exit code; a
 * failed file write is one line and exit code 1. Only real bugs print a stack trace.
 */
public final class CommandLines {
  private CommandLines() {}

  public static CommandLine create(Object command) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler((error, args) -> {
      PrintWriter err = error.getCommandLine().getErr();
      err.println(error.getCommandLine().getCommandName() + ": " + firstLine(error.getMessage())
          + " (see --help)");
      err.flush();
      return CourseException.BAD_INPUT;
    });
    commandLine.setExecutionExceptionHandler((error, cl, parseResult) -> {
      PrintWriter err = cl.getErr();
      if (error instanceof CourseException failure) {
        err.println(cl.getCommandName() + ": " + firstLine(failure.getMessage()));
        err.flush();
        return failure.exitCode();
      }
      if (error instanceof UncheckedIOException io) {
        err.println(cl.getCommandName() + ": " + firstLine(io.getMessage()));
        err.flush();
        return 1;
      }
      throw error;
    });
    return commandLine;
  }

  /** Runs {@code command} with {@code args} and exits the JVM with its exit code. */
  public static void runAndExit(Object command, String... args) {
    System.exit(create(command).execute(args));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
