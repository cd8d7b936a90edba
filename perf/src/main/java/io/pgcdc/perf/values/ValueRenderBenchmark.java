package io.pgcdc.perf.values;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pgcdc.decoder.json.BuiltinTypes;
import io.pgcdc.decoder.json.TypeRegistry;
import io.pgcdc.decoder.json.ValueRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * to_json-exact value rendering, one row (or one value) per operation on one thread, into a
 * reusable byte buffer through one long-lived Jackson generator, the way an encode handler
 * would use it: ops/s = rows/s. Run with {@code -prof gc}: the target is ~0 B/op.
 *
 * <p>The row has 8 columns of mixed types, as text pgoutput sends them (all in one byte array,
 * like a tuple in a pgoutput message):
 * <pre>
 *   id int8 | amount numeric | name text (quote, é) | created timestamptz | active bool
 *   | doc jsonb | tags text[] | uid uuid
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ValueRenderBenchmark {
  private static final String[] NAMES = {
      "id", "amount", "name", "created", "active", "doc", "tags", "uid"};
  private static final int[] TYPES = {
      BuiltinTypes.INT8, BuiltinTypes.NUMERIC, BuiltinTypes.TEXT, BuiltinTypes.TIMESTAMPTZ,
      BuiltinTypes.BOOL, BuiltinTypes.JSONB, 1009 /* _text */, BuiltinTypes.UUID};
  private static final String[] TEXTS = {
      "1234567890123",
      "-98765.4321",
      "Mikael \"Mike\" Åkerfeldt",
      "2026-11-21 22:41:03.123456+00",
      "t",
      "{\"plan\": \"pro\", \"seats\": 12, \"trial\": false}",
      "{alpha,\"with space\",NULL,\"q\\\"uote\"}",
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"};

  private final ValueRenderer values = new ValueRenderer(new TypeRegistry());
  private final ReusableOutput out = new ReusableOutput();
  private final byte[] tuple = new byte[512];
  private final int[] offsets = new int[TEXTS.length];
  private final int[] lengths = new int[TEXTS.length];
  private JsonGenerator generator;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int at = 0;
    for (int i = 0; i < TEXTS.length; i++) {
      byte[] text = TEXTS[i].getBytes(StandardCharsets.UTF_8);
      System.arraycopy(text, 0, tuple, at, text.length);
      offsets[i] = at;
      lengths[i] = text.length;
      at += text.length + 5; // gaps stand for the kind byte and length of the next column
    }
    generator = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
    generator.setRootValueSeparator(null);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    generator.close();
  }

  /** The headline: one 8-column row as a JSON object. */
  @Benchmark
  public int row() throws IOException {
    out.reset();
    JsonGenerator g = generator;
    g.writeStartObject();
    for (int i = 0; i < TYPES.length; i++) {
      g.writeFieldName(NAMES[i]);
      values.write(g, TYPES[i], tuple, offsets[i], lengths[i]);
    }
    g.writeEndObject();
    g.flush();
    return out.size();
  }

  /** A string that needs escaping (copy + escape). */
  @Benchmark
  public int text() throws IOException {
    return single(2);
  }

  /** timestamptz: rewritten to ISO 8601 with 'T' and '+00:00'. */
  @Benchmark
  public int timestamptz() throws IOException {
    return single(3);
  }

  /** A text[] with quoting and NULL: validated, then walked into a JSON array. */
  @Benchmark
  public int textArray() throws IOException {
    return single(6);
  }

  private int single(int column) throws IOException {
    out.reset();
    values.write(generator, TYPES[column], tuple, offsets[column], lengths[column]);
    generator.flush();
    return out.size();
  }

  /** What the last operation wrote (for the self-check test; allocates). */
  String lastOutput() {
    return out.toString();
  }

  /** An OutputStream over one growable array, reset per operation (no copy on read). */
  static final class ReusableOutput extends OutputStream {
    private byte[] bytes = new byte[4096];
    private int size;

    void reset() {
      size = 0;
    }

    int size() {
      return size;
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    @Override
    public String toString() {
      return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
      }
    }
  }
}
