package dev.tfjava.course.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code scripts/lessons ...} command in the README and the docs pages parses as written —
 * each subcommand and option exists and each value converts — and every subcommand's
 * {@code --help} exits 0. (Running them all would take minutes; the end-to-end test runs the
 * first one.)
 */
class ReadmeCommandsTest {
  /** A command line in a code block, up to a comment or the end of the line. */
  private static final Pattern COMMAND = Pattern.compile("^\\s*(?:[A-Z_]+=\\S+\\s+)*scripts/lessons"
      + "((?:\\s+[^#\\s|&;]+)*)");

  @Test
  void everyDocumentedCommandParses() throws IOException {
    List<String> commands = documentedCommands();
    assertFalse(commands.size() < 10, "found only " + commands);
    for (String command : commands) {
      String[] args = command.isBlank() ? new String[0] : command.trim().split("\\s+");
      for (int i = 0; i < args.length; i++) {
        // Placeholders such as ~/mnist or DIR stand for a user's folder: any path parses.
        args[i] = args[i].replace("~", System.getProperty("user.home"));
      }
      try {
        LessonsLauncher.commandLine().parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError("`scripts/lessons" + command + "`: " + e.getMessage(), e);
      }
    }
  }

  @Test
  void everySubcommandHasHelp() {
    CommandLine launcher = LessonsLauncher.commandLine();
    for (String name : launcher.getSubcommands().keySet()) {
      CommandLine fresh = LessonsLauncher.commandLine();
      fresh.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()));
      assertEquals(0, fresh.execute(name, "--help"), name + " --help");
      assertEquals(0, LessonsLauncher.commandLine().execute(name, "-V"), name + " -V");
    }
  }

  /** The argument strings after {@code scripts/lessons} in the README's and docs' code blocks. */
  static List<String> documentedCommands() throws IOException {
    Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
        System.getProperty("user.dir"))).toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("README.md")) && root.getParent() != null) {
      root = root.getParent();
    }
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (var files = Files.list(docs)) {
        files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    List<String> commands = new ArrayList<>();
    for (Path page : pages) {
      boolean inCode = false;
      for (String line : Files.readAllLines(page)) {
        if (line.trim().startsWith("```")) {
          // Shell blocks only: the layout tree and outputs are other blocks.
          inCode = !inCode && (line.trim().equals("```bash") || line.trim().equals("```sh"));
          continue;
        }
        Matcher m = COMMAND.matcher(line);
        if (inCode && m.find()) {
          commands.add(m.group(1));
        }
      }
    }
    return commands.stream().filter(c -> !Arrays.asList(c.trim().split("\\s+")).contains("...")
        && !c.contains("<")).toList();
  }
}
