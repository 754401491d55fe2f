package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.RewriterConfig;

class PrecisionTest {
  @TempDir
  Path dir;

  /** Two processors of an Intel Xeon with AMX, as /proc/cpuinfo lists them (flags trimmed). */
  private static final String SAPPHIRE_RAPIDS = """
      processor\t: 0
      vendor_id\t: GenuineIntel
      model name\t: Intel(R) Xeon(R) Platinum 8488C
      flags\t\t: fpu avx2 avx512f avx512_vnni amx_bf16 amx_tile amx_int8

      processor\t: 1
      model name\t: Intel(R) Xeon(R) Platinum 8488C
      flags\t\t: fpu avx2
      """;

  @Test
  void cpuinfoGivesTheFirstProcessorsModelAndFlags() {
    CpuFlags cpu = CpuFlags.parse(SAPPHIRE_RAPIDS, "test");
    assertEquals("Intel(R) Xeon(R) Platinum 8488C", cpu.model());
    assertEquals(Set.of("fpu", "avx2", "avx512f", "avx512_vnni", "amx_bf16", "amx_tile",
        "amx_int8"), cpu.flags());
  }

  @Test
  void amxAloneIsEnoughForBf16AndFp32NeedsNothing() {
    Precision.BF16.requireSupportedBy(CpuFlags.parse(SAPPHIRE_RAPIDS, "test"));
    CpuFlags none = CpuFlags.read(dir.resolve("missing"));
    Precision.FP32.requireSupportedBy(none);
    CourseException refused = assertThrows(CourseException.class,
        () -> Precision.BF16.requireSupportedBy(none));
    assertEquals(CourseException.BAD_INPUT, refused.exitCode());
    assertEquals("--precision bf16: this CPU (unknown CPU) has no avx512_bf16 or amx_bf16 flag in "
        + dir.resolve("missing") + " (unreadable), so it has no bfloat16 instructions; use"
        + " --precision fp32", refused.getMessage());
  }

  @Test
  void onlyBf16TurnsOnTheOneDnnMixedPrecisionPass() {
    RewriterConfig fp32 = new SessionFactory(Device.CPU, ThreadSettings.TENSORFLOW_DEFAULT, false)
        .config().getGraphOptions().getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.DEFAULT, fp32.getAutoMixedPrecisionOnednnBfloat16());
    RewriterConfig bf16 = new SessionFactory(Device.CPU, ThreadSettings.TENSORFLOW_DEFAULT, false,
        Precision.BF16).config().getGraphOptions().getRewriteOptions();
    assertEquals(RewriterConfig.Toggle.ON, bf16.getAutoMixedPrecisionOnednnBfloat16());
    // The other passes as for float32 (one Grappler iteration).
    assertEquals(fp32.getMetaOptimizerIterations(), bf16.getMetaOptimizerIterations());
    assertTrue(bf16.getMetaOptimizerIterations() == RewriterConfig.NumIterationsType.ONE);
  }
}
