package io.pgcdc.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the fuzz seeds: each golden fixture (long streams shortened to their first 32 and last 8
 * messages, so Stream Stop/Commit stay in) in the fuzz target's
 * {@code u16 length, bytes} session format. Run once by hand after re-recording fixtures:
 * {@code java -cp target/test-classes:target/classes io.pgcdc.decoder.FuzzSeedWriter}.
 */
final class FuzzSeedWriter {
  static final Path DIR = Path.of("src/test/resources/io/pgcdc/decoder/PgOutputDecoderFuzzTestInputs/decodesAnyBytes");

  private FuzzSeedWriter() {
  }

  public static void main(String[] args) throws Exception {
    Files.createDirectories(DIR);
    for (Fixture f : Fixture.all()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      var frames = f.frames();
      if (frames.size() > 64) {
        var shortened = new java.util.ArrayList<>(frames.subList(0, 32));
        shortened.addAll(frames.subList(frames.size() - 8, frames.size()));
        frames = shortened;
      }
      frames.forEach(frame -> {
        out.write(frame.bytes().length >>> 8);
        out.write(frame.bytes().length);
        out.writeBytes(frame.bytes());
      });
      Files.write(DIR.resolve("seed-" + f.id().replace('/', '-')), out.toByteArray());
    }
  }
}
