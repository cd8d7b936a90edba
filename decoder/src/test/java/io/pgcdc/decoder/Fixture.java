package io.pgcdc.decoder;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded pgoutput session: the raw messages a real server sent for one scenario.
 *
 * <pre>
 * fixtures/v&lt;N&gt;/&lt;name&gt;.bin : { wal_start:int64, length:int32, message:byte[length] }*
 * fixtures/index.txt         : one line per fixture:
 *                              v1/insert server=15.8 types=BEGIN,TYPE,... xid=741 ...
 * </pre>
 */
record Fixture(String id, Map<String, String> properties, List<Frame> frames) {

  static final String INDEX = "/fixtures/index.txt";

  /** One XLogData payload as received, with the WAL position pgjdbc reported for it. */
  record Frame(long walStart, byte[] bytes) {
    MessageType type() {
      return MessageType.fromCode(bytes[0]);
    }
  }

  String property(String key) {
    String value = properties.get(key);
    if (value == null) {
      throw new IllegalStateException("fixture " + id + " has no property " + key);
    }
    return value;
  }

  long longProperty(String key) {
    return Long.parseLong(property(key));
  }

  /** All fixtures named in the index, in index order. */
  static List<Fixture> all() {
    List<Fixture> list = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> e : readIndex().entrySet()) {
      list.add(new Fixture(e.getKey(), e.getValue(), readFrames(e.getKey())));
    }
    return list;
  }

  static Fixture load(String id) {
    Map<String, String> props = readIndex().get(id);
    if (props == null) {
      throw new IllegalArgumentException("no fixture " + id + " in " + INDEX);
    }
    return new Fixture(id, props, readFrames(id));
  }

  static Map<String, Map<String, String>> readIndex() {
    try (InputStream in = Fixture.class.getResourceAsStream(INDEX)) {
      if (in == null) {
        throw new IllegalStateException(INDEX + " missing: record with -Dfixtures.record=true");
      }
      Map<String, Map<String, String>> index = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
          int eq = parts[i].indexOf('=');
          props.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        index.put(parts[0], props);
      }
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Frame> readFrames(String id) {
    String resource = "/fixtures/" + id + ".bin";
    try (InputStream raw = Fixture.class.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalStateException(resource + " missing");
      }
      DataInputStream in = new DataInputStream(raw);
      List<Frame> frames = new ArrayList<>();
      while (true) {
        long walStart;
        try {
          walStart = in.readLong();
        } catch (EOFException end) {
          return frames;
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        frames.add(new Frame(walStart, bytes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] encode(List<Frame> frames) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (Frame f : frames) {
        out.writeLong(f.walStart());
        out.writeInt(f.bytes().length);
        out.write(f.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Writes the .bin files and the index under {@code dir} (src/test/resources/fixtures). */
  static void write(Path dir, List<Fixture> fixtures) throws IOException {
    StringBuilder index = new StringBuilder("# Recorded by PgOutputFixtureIT -Dfixtures.record=true; do not edit.\n");
    for (Fixture f : fixtures) {
      Path file = dir.resolve(f.id() + ".bin");
      Files.createDirectories(file.getParent());
      Files.write(file, encode(f.frames()));
      index.append(f.id());
      f.properties().forEach((k, v) -> index.append(' ').append(k).append('=').append(v));
      index.append('\n');
    }
    Files.writeString(dir.resolve("index.txt"), index.toString());
  }
}
