package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.CourseException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TF Serving's {@code --grpc_channel_arguments}: {@code key=value,key=value} handed to the gRPC
 * server. grpc-java has no channel-argument table, so the core arguments with a grpc-java
 * equivalent are applied by name; the rest are accepted and reported as not applied, as gRPC's
 * C core logs the arguments it does not know ({@code model_servers/server.cc}).
 */
public record GrpcChannelArguments(Map<String, String> values) {

  /** No arguments. */
  public static final GrpcChannelArguments NONE = new GrpcChannelArguments(Map.of());

  /** The keys applied (for --help). */
  public static final String SUPPORTED = "grpc.max_receive_message_length, "
      + "grpc.max_concurrent_streams, grpc.keepalive_time_ms, grpc.keepalive_timeout_ms, "
      + "grpc.max_connection_idle_ms, grpc.max_connection_age_ms, "
      + "grpc.max_connection_age_grace_ms, grpc.so_reuseaddr (always on); others are ignored, "
      + "as gRPC ignores the ones it does not know";

  /**
   * Parses {@code text}.
   *
   * @throws CourseException bad input for an item without {@code =}
   */
  public static GrpcChannelArguments parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw CourseException.badInput("--grpc-channel-arguments: '" + item + "' is not "
            + "key=value (e.g. grpc.max_connection_age_ms=2000,grpc.so_reuseaddr=1)");
      }
      // Later items win, as gRPC takes the last occurrence of a key.
      values.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return new GrpcChannelArguments(Map.copyOf(values));
  }

  /**
   * Applies the arguments grpc-java has to {@code builder}.
   *
   * @return the keys not applied (unknown to grpc-java, or a value that is not a whole number)
   */
  List<String> applyTo(NettyServerBuilder builder) {
    List<String> ignored = new ArrayList<>();
    values.forEach((key, value) -> {
      Long number = wholeNumber(value);
      if (number == null || !apply(builder, key, number)) {
        ignored.add(key);
      }
    });
    return ignored;
  }

  private static boolean apply(NettyServerBuilder builder, String key, long value) {
    int clipped = (int) Math.min(Integer.MAX_VALUE, Math.max(1, value));
    switch (key) {
      case "grpc.max_receive_message_length" -> builder.maxInboundMessageSize(
          value < 0 ? Integer.MAX_VALUE : clipped);
      case "grpc.max_concurrent_streams" -> builder.maxConcurrentCallsPerConnection(clipped);
      case "grpc.keepalive_time_ms" -> builder.keepAliveTime(clipped, TimeUnit.MILLISECONDS);
      case "grpc.keepalive_timeout_ms" -> builder.keepAliveTimeout(clipped,
          TimeUnit.MILLISECONDS);
      case "grpc.max_connection_idle_ms" -> builder.maxConnectionIdle(clipped,
          TimeUnit.MILLISECONDS);
      case "grpc.max_connection_age_ms" -> builder.maxConnectionAge(clipped,
          TimeUnit.MILLISECONDS);
      case "grpc.max_connection_age_grace_ms" -> builder.maxConnectionAgeGrace(clipped,
          TimeUnit.MILLISECONDS);
      case "grpc.so_reuseaddr" -> {
        // Java server sockets bind with SO_REUSEADDR on Linux already.
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static Long wholeNumber(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
