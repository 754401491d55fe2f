package dev.tfjava.course.serve.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: the grammar of
 * Prometheus' own parser (metric and label name characters, quoted label values with only
 * {@code \\}, {@code \"} and {@code \n} escapes, Go float syntax, optional timestamps), one
 * {@code # TYPE} per family before its samples, a family's samples together, and for histograms
 * buckets with increasing {@code le}, non-decreasing counts and a {@code +Inf} bucket equal to
 * {@code _count}. Any deviation is an {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  /** One sample: its full name (with a histogram's suffix), labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One family: its declared type and samples. */
  public record Family(String name, String type, List<Sample> samples) {
    /** The value of the sample named {@code sampleName} with exactly these labels, or NaN. */
    public double value(String sampleName, Map<String, String> labels) {
      return samples.stream().filter(s -> s.name().equals(sampleName) && s.labels().equals(labels))
          .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
    }
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern TYPE = Pattern.compile(
      "# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ")( .*)?");
  private static final Pattern SAMPLE = Pattern.compile(
      "(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL = Pattern.compile(
      "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final Pattern FLOAT = Pattern.compile(
      "[+-]?(Inf|NaN|[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?|\\.[0-9]+([eE][+-]?[0-9]+)?)");

  private PrometheusText() {}

  /** The families of {@code page}, by name. */
  public static Map<String, Family> parse(String page) {
    if (!page.isEmpty() && !page.endsWith("\n")) {
      throw new IllegalArgumentException("the page does not end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Family current = null;
    int number = 0;
    for (String line : page.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (families.containsKey(type.group(1))) {
          throw bad(number, line, "second TYPE line for " + type.group(1));
        }
        current = new Family(type.group(1), type.group(2), new ArrayList<>());
        families.put(current.name(), current);
        continue;
      }
      if (line.startsWith("#")) {
        if (line.startsWith("# HELP") && !HELP.matcher(line).matches()) {
          throw bad(number, line, "malformed HELP");
        }
        continue;
      }
      Sample sample = sample(number, line);
      if (current == null || !belongs(current, sample.name())) {
        throw bad(number, line, "a sample outside the family of the TYPE line before it");
      }
      current.samples().add(sample);
    }
    families.values().stream().filter(f -> f.type().equals("histogram"))
        .forEach(PrometheusText::checkHistogram);
    return families;
  }

  private static Sample sample(int number, String line) {
    Matcher m = SAMPLE.matcher(line);
    if (!m.matches()) {
      throw bad(number, line, "not a sample line");
    }
    Map<String, String> labels = new TreeMap<>();
    String text = m.group(3) == null ? "" : m.group(3);
    Matcher label = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!label.find(at) || label.start() != at) {
        throw bad(number, line, "malformed labels at '" + text.substring(at) + "'");
      }
      if (labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\n", "\n")
          .replace("\\\\", "\\")) != null) {
        throw bad(number, line, "label " + label.group(1) + " twice");
      }
      at = label.end();
    }
    if (!FLOAT.matcher(m.group(4)).matches()) {
      throw bad(number, line, "not a value: " + m.group(4));
    }
    String value = m.group(4).replace("Inf", "Infinity");
    return new Sample(m.group(1), labels, Double.parseDouble(value));
  }

  private static boolean belongs(Family family, String sampleName) {
    if (family.type().equals("histogram")) {
      return sampleName.equals(family.name() + "_bucket") || sampleName.equals(family.name()
          + "_sum") || sampleName.equals(family.name() + "_count");
    }
    if (family.type().equals("summary")) {
      return sampleName.equals(family.name()) || sampleName.equals(family.name() + "_sum")
          || sampleName.equals(family.name() + "_count");
    }
    if (family.type().equals("counter")) {
      return sampleName.equals(family.name()) || sampleName.equals(family.name() + "_total");
    }
    return sampleName.equals(family.name());
  }

  /** Per label set: le increasing, counts cumulative, +Inf present and equal to _count. */
  private static void checkHistogram(Family family) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    for (Sample s : family.samples()) {
      if (s.name().endsWith("_bucket")) {
        Map<String, String> key = new TreeMap<>(s.labels());
        if (key.remove("le") == null) {
          throw new IllegalArgumentException(family.name() + ": a bucket without le");
        }
        buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    buckets.forEach((labels, list) -> {
      double le = Double.NEGATIVE_INFINITY;
      double count = 0;
      for (Sample s : list) {
        double bound = Double.parseDouble(s.labels().get("le").replace("Inf", "Infinity"));
        if (bound <= le || s.value() < count) {
          throw new IllegalArgumentException(family.name() + labels + ": buckets out of order");
        }
        le = bound;
        count = s.value();
      }
      if (le != Double.POSITIVE_INFINITY || count != family.value(family.name() + "_count",
          labels)) {
        throw new IllegalArgumentException(family.name() + labels
            + ": no +Inf bucket equal to _count");
      }
    });
  }

  private static IllegalArgumentException bad(int number, String line, String why) {
    return new IllegalArgumentException("line " + number + ": " + why + ": " + line);
  }
}
