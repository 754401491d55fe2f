package dev.tfjava.course.serve.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ServingException;
import java.util.List;
import org.tensorflow.proto.Example;
import tensorflow.serving.InputOuterClass.Input;

/**
 * The two ways a client's tf.Examples reach Classify and Regress: any bytes as a REST
 * {@code :classify}/{@code :regress} body, and any bytes as a gRPC {@code Input}. Each gives
 * serialized examples that parse back as tf.Examples, within the byte bound, or an
 * INVALID_ARGUMENT with a one-line message; never another exception.
 */
class ExampleInputsFuzzTest {
  private static final long MAX_BYTES = 1 << 20;

  @FuzzTest
  void anyRestExamplesBodyServesOrIsInvalidArgument(byte[] body) {
    Input input;
    try {
      input = ExamplesJson.parse(body).input();
    } catch (ServingException e) {
      assertInvalidArgument(e);
      return;
    }
    serializeChecked(input);
  }

  @FuzzTest
  void anyGrpcInputServesOrIsInvalidArgument(byte[] message) {
    Input input;
    try {
      input = Input.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC refuses a message that does not parse before the service sees it
    }
    serializeChecked(input);
  }

  private static void serializeChecked(Input input) {
    List<byte[]> examples;
    try {
      examples = SerializedExamples.of(input, MAX_BYTES);
    } catch (ServingException e) {
      assertInvalidArgument(e);
      return;
    }
    long total = 0;
    for (byte[] example : examples) {
      total += example.length;
      try {
        Example.parseFrom(example);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("a serialized example does not parse back: " + e, e);
      }
    }
    assertTrue(total <= MAX_BYTES, total + " bytes past the bound");
  }

  private static void assertInvalidArgument(ServingException e) {
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
    assertTrue(e.getMessage().indexOf('\n') < 0, "not one line: " + e.getMessage());
  }
}
