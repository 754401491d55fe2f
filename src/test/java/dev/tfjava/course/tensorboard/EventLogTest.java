package dev.tfjava.course.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;

class EventLogTest {

  @TempDir
  Path dir;

  @Test
  void crc32cIsTheCastagnoliChecksumMaskedAsTensorflowDoes() {
    CRC32C crc = new CRC32C();
    crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0xE3069283L, crc.getValue()); // the published CRC-32C check value
    int raw = 0xE3069283;
    int masked = ((raw >>> 15) | (raw << 17)) + 0xa282ead8;
    assertEquals(masked, RecordFile.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void scalarsHistogramsAndTheGraphReadBack() throws IOException {
    Path file;
    try (Graph graph = new Graph(); EventLog log = EventLog.open(dir)) {
      Ops tf = Ops.create(graph);
      tf.withSubScope("Inputs").withName("X").constant(1f);
      log.graph(graph.toGraphDef());
      log.scalar("loss", 100, 0.25);
      log.scalar("loss", 200, 0.125);
      log.histogram("weights", 200, new float[] {-1f, 0f, 0.5f, 0.5f, 3f});
      file = log.file();
    }
    List<Event> events = EventFiles.read(file);
    assertEquals(5, events.size());
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
    String graphDef = org.tensorflow.proto.GraphDef.parseFrom(events.get(1).getGraphDef())
        .getNodeList().get(0).getName();
    assertEquals("Inputs/X", graphDef);
    assertEquals(100, events.get(2).getStep());
    assertEquals("loss", events.get(2).getSummary().getValue(0).getTag());
    assertEquals(0.25f, events.get(2).getSummary().getValue(0).getSimpleValue());
    assertEquals(0.125f, events.get(3).getSummary().getValue(0).getSimpleValue());

    HistogramProto histogram = events.get(4).getSummary().getValue(0).getHisto();
    assertEquals(5, histogram.getNum());
    assertEquals(-1, histogram.getMin());
    assertEquals(3, histogram.getMax());
    assertEquals(3, histogram.getSum(), 1e-9);
    assertEquals(1 + 0.25 + 0.25 + 9, histogram.getSumSquares(), 1e-9);
    assertEquals(5, histogram.getBucketList().stream().mapToDouble(Double::doubleValue).sum());
    // The two 0.5s share one bucket; its right edge is the first default limit above 0.5.
    int idx = histogram.getBucketList().indexOf(2.0);
    assertTrue(idx >= 0);
    double edge = histogram.getBucketLimit(idx);
    assertTrue(edge > 0.5 && edge < 0.5 * 1.1 + 1e-9, "edge " + edge);
  }

  @Test
  void twoLogsOpenedInOneFolderInTheSameSecondWriteTwoIntactFiles() throws IOException {
    Path first;
    Path second;
    try (EventLog a = EventLog.open(dir); EventLog b = EventLog.open(dir)) {
      a.scalar("loss", 1, 1.0);
      b.scalar("loss", 1, 2.0);
      a.scalar("loss", 2, 0.5);
      first = a.file();
      second = b.file();
    }
    assertTrue(first.getFileName().toString().contains("." + ProcessHandle.current().pid() + "."),
        first.toString());
    assertEquals(2, EventFiles.find(dir).size());
    assertEquals(3, EventFiles.read(first).size());
    assertEquals(2.0f, EventFiles.read(second).get(1).getSummary().getValue(0).getSimpleValue());
  }

  @Test
  void aCorruptedFileIsDetected() throws IOException {
    Path file;
    try (EventLog log = EventLog.open(dir)) {
      log.scalar("loss", 1, 1.0);
      file = log.file();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 6] ^= 0x5a;
    Files.write(file, bytes);
    assertThrows(IOException.class, () -> EventFiles.read(file));
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(IOException.class, () -> EventFiles.read(file));
  }
}
