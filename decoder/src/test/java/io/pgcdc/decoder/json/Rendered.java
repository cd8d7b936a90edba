package io.pgcdc.decoder.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helper: renders one value text through a {@link ValueRenderer} into a String. */
final class Rendered {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final ValueRenderer renderer;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  Rendered(TypeRegistry types) {
    this.renderer = new ValueRenderer(types);
  }

  String json(int typeOid, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    // Surround the value with other bytes so offsets other than 0 are exercised.
    byte[] buf = new byte[utf8.length + 7];
    System.arraycopy(utf8, 0, buf, 3, utf8.length);
    bytes.reset();
    try (JsonGenerator g = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
      renderer.write(g, typeOid, buf, 3, utf8.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  long compositeMismatches() {
    return renderer.compositeMismatches();
  }

  long fallbacks() {
    return renderer.fallbacks();
  }
}
