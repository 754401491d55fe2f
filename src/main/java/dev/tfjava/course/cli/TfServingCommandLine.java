package dev.tfjava.course.cli;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.CourseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TensorFlow Serving's own command line ({@code tensorflow_model_server --port=8500
 * --rest_api_port=8501 --model_name=m --model_base_path=/models/m ...}) translated into
 * {@code lessons serve}'s options, so that a TF Serving entrypoint or manifest runs this server
 * unchanged ({@code scripts/tensorflow_model_server}). The flags keep TF Serving's meanings:
 * {@code --port} is gRPC there, {@code --rest_api_port} REST. An unknown flag is refused by name,
 * as TF Serving's flag parser does.
 */
public final class TfServingCommandLine {

  /** TF Serving's flag and the {@code lessons serve} option taking the same value. */
  private static final Map<String, String> VALUED = new LinkedHashMap<>();

  static {
    VALUED.put("port", "--grpc-port");
    VALUED.put("rest_api_port", "--port");
    VALUED.put("model_name", "--model-name");
    VALUED.put("model_base_path", "--model-base-path");
    VALUED.put("model_config_file", "--model-config-file");
    VALUED.put("model_config_file_poll_wait_seconds", "--model-config-file-poll-wait-seconds");
    VALUED.put("monitoring_config_file", "--monitoring-config-file");
    VALUED.put("batching_parameters_file", "--batching-parameters-file");
    VALUED.put("rest_api_timeout_in_ms", "--rest-api-timeout-ms");
    VALUED.put("grpc_socket_path", "--grpc-socket-path");
    VALUED.put("grpc_channel_arguments", "--grpc-channel-arguments");
    VALUED.put("tensorflow_intra_op_parallelism", "--intra-op-threads");
    VALUED.put("tensorflow_inter_op_parallelism", "--inter-op-threads");
    VALUED.put("rest_api_num_threads", "--threads");
  }

  /** TF Serving's flags that only tune TF Serving's own machinery: accepted, no effect here. */
  private static final Set<String> IGNORED = Set.of("enable_model_warmup",
      "allow_version_labels_for_unavailable_models", "xla_cpu_compilation_enabled",
      "skip_initialize_tpu");

  private TfServingCommandLine() {}

  public static void main(String[] args) {
    String[] serve;
    try {
      serve = translate(args).toArray(String[]::new);
    } catch (CourseException e) {
      System.err.println("tensorflow_model_server: " + e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    CommandLines.runAndExit(new ServeCommand(), serve);
  }

  /**
   * The {@code lessons serve} arguments for TF Serving's {@code args} ({@code --flag=value},
   * {@code --flag value}, {@code -flag=value}; booleans as {@code --flag},
   * {@code --flag=true|false}).
   *
   * @throws CourseException bad input naming an unknown flag or a flag without its value
   */
  public static List<String> translate(String[] args) {
    List<String> serve = new ArrayList<>();
    boolean namedModel = false;
    boolean restPort = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        throw CourseException.badInput("unexpected argument '" + arg + "' (TF Serving's flags "
            + "are --name=value)");
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      String value = eq < 0 ? null : body.substring(eq + 1);
      if (name.equals("enable_batching")) {
        if (value == null || Boolean.parseBoolean(value)) {
          serve.add("--enable-batching");
        } else if (!value.equalsIgnoreCase("false")) {
          throw CourseException.badInput("--enable_batching takes true or false, got " + value);
        }
        continue;
      }
      if (name.equals("file_system_poll_wait_seconds")) {
        value = value != null ? value : valueAfter(args, ++i, name);
        // TF Serving: 0 looks once; here the scan interval becomes a day.
        serve.add("--poll-seconds");
        serve.add(Double.parseDouble(value) <= 0 ? "86400" : value);
        continue;
      }
      if (IGNORED.contains(name)) {
        if (value == null && i + 1 < args.length && !args[i + 1].startsWith("-")) {
          i++;
        }
        continue;
      }
      String option = VALUED.get(name);
      if (option == null) {
        throw CourseException.badInput("unknown command line flag '" + name + "' (this server "
            + "takes TF Serving's " + String.join(", ", VALUED.keySet())
            + ", enable_batching, file_system_poll_wait_seconds)");
      }
      value = value != null ? value : valueAfter(args, ++i, name);
      namedModel |= name.equals("model_name");
      restPort |= name.equals("rest_api_port");
      serve.add(option);
      serve.add(value);
    }
    if (!restPort) {
      // TF Serving's REST port defaults to off; this server always has one, on TF Serving's 8501.
      serve.addAll(List.of("--port", "8501"));
    }
    if (serve.contains("--model-base-path") && !namedModel) {
      serve.addAll(List.of("--model-name", "default")); // TF Serving's default model name
    }
    return serve;
  }

  private static String valueAfter(String[] args, int i, String name) {
    if (i >= args.length) {
      throw CourseException.badInput("flag --" + name + " needs a value (--" + name + "=VALUE)");
    }
    return args[i];
  }
}
