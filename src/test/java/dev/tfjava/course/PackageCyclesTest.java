package dev.tfjava.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped packages depend on each other one way only: the JDK's own {@code jdeps} lists the
 * package dependencies of the main classes, and no set of packages may reach itself.
 */
class PackageCyclesTest {
  private static final String ROOT = "dev.tfjava.course";
  private static final Pattern EDGE = Pattern.compile("^\\s+(" + Pattern.quote(ROOT)
      + "\\S*)\\s+->\\s+(" + Pattern.quote(ROOT) + "\\S*)");

  @Test
  void mainPackagesHaveNoCycles() {
    Path classes = Path.of("target/classes").toAbsolutePath();
    if (!classes.toFile().isDirectory()) {
      // surefire runs in target/test-work
      classes = Path.of("..", "classes").toAbsolutePath();
    }
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int exit = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
        "-verbose:package", "-filter:none", classes.toString());
    assertEquals(0, exit);
    Map<String, Set<String>> edges = new HashMap<>();
    String from = null;
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        from = m.group(1);
      }
    }
    assertTrue(from != null && edges.size() > 5, "jdeps listed no package edges: " + out);
    List<List<String>> cycles = new ArrayList<>();
    for (String start : edges.keySet()) {
      List<String> path = cycleThrough(start, edges);
      if (path != null) {
        cycles.add(path);
      }
    }
    assertTrue(cycles.isEmpty(), "package cycles: " + cycles);
  }

  /** A path start → ... → start, or null. */
  private static List<String> cycleThrough(String start, Map<String, Set<String>> edges) {
    return search(start, start, edges, new HashSet<>(), new ArrayList<>(List.of(start)));
  }

  private static List<String> search(String node, String target, Map<String, Set<String>> edges,
      Set<String> seen, List<String> path) {
    for (String next : edges.getOrDefault(node, Set.of())) {
      if (next.equals(target)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(target);
        return cycle;
      }
      if (seen.add(next)) {
        path.add(next);
        List<String> found = search(next, target, edges, seen, path);
        if (found != null) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }
}
