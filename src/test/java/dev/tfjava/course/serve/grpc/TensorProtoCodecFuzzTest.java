package dev.tfjava.course.serve.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import org.tensorflow.proto.TensorProto;
import tensorflow.serving.Predict;

/**
 * Any bytes a gRPC client sends as a PredictRequest: each input tensor decodes (for a signature
 * of its own dtype and unknown rank, and for a float [-1, 784] one) or is an INVALID_ARGUMENT,
 * never another exception, and what it decodes to stays within the envelope of the bytes sent.
 */
class TensorProtoCodecFuzzTest {

  @FuzzTest
  void anyPredictRequestDecodesOrIsInvalidArgument(byte[] input) {
    Predict.PredictRequest request;
    try {
      request = Predict.PredictRequest.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC answers INTERNAL for a message that does not parse, before any decoding
    }
    long allowed = Math.max(TensorProtoCodec.ALWAYS_DECODED,
        TensorProtoCodec.BYTES_PER_BYTE_SENT * input.length);
    for (TensorProto proto : request.getInputsMap().values()) {
      for (TensorSpec spec : new TensorSpec[] {
          // The alias is the signature's (the server checks the request's names against it).
          new TensorSpec("x", "x:0", proto.getDtype(), new long[0], true),
          new TensorSpec("x", "x:0", org.tensorflow.proto.DataType.DT_FLOAT,
              new long[] {-1, 784}, false)}) {
        try {
          TensorValues values = TensorProtoCodec.decode(proto, spec, Integer.MAX_VALUE - 16L);
          assertTrue((long) values.size() <= allowed, values.size() + " elements from "
              + input.length + " bytes");
        } catch (ServingException e) {
          assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
          assertTrue(e.getMessage().indexOf('\n') < 0, e.getMessage());
        }
      }
    }
  }
}
