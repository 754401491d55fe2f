package dev.tfjava.course;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.tensorflow.exceptions.TensorFlowException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Builds picocli command lines with the project's error conventions: a wrong option or value is one
 * line on stderr and exit code 2; a {@link CourseException} is one line and its own exit code; a
 * failed file write, a full disk or any other failure is one line and exit code 1. Stack traces
 * only with {@code --debug} (or {@value #DEBUG_ENV}=1).
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
      if (debug(parseResult)) {
        error.printStackTrace(err);
      }
      int exitCode;
      String message;
      if (error instanceof CourseException failure) {
        exitCode = failure.exitCode();
        message = failure.getMessage();
      } else if (error instanceof UncheckedIOException || error instanceof TensorFlowException) {
        // A failed write, a full disk (TensorFlow's ResourceExhausted), a native I/O error.
        exitCode = CourseException.ENVIRONMENT;
        message = error.getMessage();
      } else {
        exitCode = CourseException.ENVIRONMENT;
        message = "internal error: " + error + (debug(parseResult) ? ""
            : " (run with --debug or " + DEBUG_ENV + "=1 for the stack trace)");
      }
      err.println(cl.getCommandName() + ": " + firstLine(message));
      err.flush();
      return exitCode;
    });
    return commandLine;
  }

  /** Set to 1 to print stack traces, like {@code --debug}. */
  public static final String DEBUG_ENV = "TFJAVA_COURSE_DEBUG";

  /** Whether the user asked for stack traces ({@code --debug} where the command has it). */
  private static boolean debug(ParseResult parseResult) {
    return "1".equals(System.getenv(DEBUG_ENV))
        || (parseResult != null && parseResult.hasMatchedOption("--debug"));
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
