package dev.tfjava.course.serve.inference;

import com.google.protobuf.ByteString;
import dev.tfjava.course.serve.core.ServingException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.Example;
import tensorflow.serving.InputOuterClass.Input;

/**
 * TF Serving's {@code Input} as the serialized tf.Example strings a classify or regress
 * signature takes. With a context, each example is the context's bytes followed by its own:
 * protobuf merges concatenated messages, so the example's features are added to the context's
 * (TF Serving's own way). The copies are bounded: a large context times many examples is
 * INVALID_ARGUMENT, not a heap exhausted.
 */
public final class SerializedExamples {
  private SerializedExamples() {}

  /**
   * The serialized examples of {@code input}.
   *
   * @param maxBytes the most bytes the serialized examples may take together
   * @throws ServingException INVALID_ARGUMENT for an empty input or one past {@code maxBytes}
   */
  public static List<byte[]> of(Input input, long maxBytes) {
    List<Example> examples;
    ByteString context = ByteString.EMPTY;
    switch (input.getKindCase()) {
      case EXAMPLE_LIST -> examples = input.getExampleList().getExamplesList();
      case EXAMPLE_LIST_WITH_CONTEXT -> {
        examples = input.getExampleListWithContext().getExamplesList();
        context = input.getExampleListWithContext().getContext().toByteString();
      }
      default -> throw ServingException.invalidArgument("Input is empty.");
    }
    if (examples.isEmpty()) {
      throw ServingException.invalidArgument("Input is empty.");
    }
    long total = 0;
    for (Example example : examples) {
      total += context.size() + example.getSerializedSize();
      if (total > maxBytes) {
        throw ServingException.invalidArgument("The " + examples.size() + " examples with their"
            + " context take more than " + maxBytes + " bytes serialized; send fewer at once");
      }
    }
    List<byte[]> serialized = new ArrayList<>(examples.size());
    for (Example example : examples) {
      serialized.add(context.concat(example.toByteString()).toByteArray());
    }
    return serialized;
  }
}
