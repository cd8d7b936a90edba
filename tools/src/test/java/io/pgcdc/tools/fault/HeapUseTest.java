package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapUseTest {
  @Test
  void peaksAreTheLargestSizesBeforeAndAfterAnyCollection() {
    HeapUse heap = HeapUse.fromLines(List.of(
        "[0.008s][info][gc] Using G1",
        "[1.056s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 25M->6M(256M) 6.226ms",
        "[2.155s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Evacuation Pause) 301M->88M(512M) 6.318ms",
        "[2.155s][info][gc] GC(2) Concurrent Mark Cycle",
        "[2.201s][info][gc] GC(2) Pause Remark 120M->120M(512M) 1.100ms",
        "[3.160s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 280M->40M(512M) 3.527ms"));

    assertThat(heap).isEqualTo(new HeapUse(4, 301, 120, 512));
  }

  @Test
  void aMissingLogMeansNoCollections() throws Exception {
    assertThat(HeapUse.fromGcLog(Path.of("target", "no-such-gc.log"))).isEqualTo(new HeapUse(0, 0, 0, 0));
  }
}
