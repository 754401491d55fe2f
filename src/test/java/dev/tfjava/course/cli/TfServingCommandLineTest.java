package dev.tfjava.course.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TF Serving's flags, as its test and its Docker entrypoint give them, become serve's options. */
class TfServingCommandLineTest {

  @Test
  void translatesTfServingsFlagsWithTheirMeanings() {
    assertEquals(List.of("--grpc-port", "8500", "--port", "8501", "--rest-api-timeout-ms", "5000",
        "--grpc-socket-path", "/tmp/tf.sock", "--model-name", "half", "--model-base-path", "/m",
        "--enable-batching", "--batching-parameters-file", "/b.txt", "--grpc-channel-arguments",
        "grpc.so_reuseaddr=1", "--monitoring-config-file", "/mon.txt"),
        TfServingCommandLine.translate(new String[] {"--port=8500", "--rest_api_port=8501",
            "--rest_api_timeout_in_ms=5000", "--grpc_socket_path=/tmp/tf.sock",
            "--model_name=half", "--model_base_path", "/m", "--enable_batching",
            "-batching_parameters_file=/b.txt", "--grpc_channel_arguments=grpc.so_reuseaddr=1",
            "--monitoring_config_file=/mon.txt"}));
  }

  @Test
  void defaultsAreTfServings() {
    // TF Serving's default model name; REST on 8501 (always on here).
    assertEquals(List.of("--model-base-path", "/m", "--enable-batching", "--poll-seconds",
        "86400", "--port", "8501", "--model-name", "default"),
        TfServingCommandLine.translate(new String[] {"--model_base_path=/m",
            "--enable_batching=true", "--file_system_poll_wait_seconds=0"}));
    assertEquals(List.of("--port", "8501"),
        TfServingCommandLine.translate(new String[] {"--enable_batching=false"}));
  }

  @Test
  void unknownFlagsAndMissingValuesAreRefusedByName() {
    CourseException e = assertThrows(CourseException.class,
        () -> TfServingCommandLine.translate(new String[] {"--prefer_tflite_model=true"}));
    assertEquals(CourseException.BAD_INPUT, e.exitCode());
    assertTrue(e.getMessage().startsWith("unknown command line flag 'prefer_tflite_model'"),
        e.getMessage());
    e = assertThrows(CourseException.class,
        () -> TfServingCommandLine.translate(new String[] {"--model_config_file"}));
    assertTrue(e.getMessage().contains("--model_config_file needs a value"), e.getMessage());
    e = assertThrows(CourseException.class,
        () -> TfServingCommandLine.translate(new String[] {"serve"}));
    assertTrue(e.getMessage().contains("unexpected argument 'serve'"), e.getMessage());
  }
}
