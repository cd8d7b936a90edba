package io.pgcdc.ha;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One node of the cluster as registered under {@code /pgcdc/<cluster>/members/<nodeId>}.
 *
 * <p>The znode data is UTF-8 {@code key=value} lines ({@code id}, {@code host}, {@code metrics}),
 * readable with {@code zkCli.sh get}.
 *
 * @param nodeId {@code cluster.node_id}, unique in the cluster
 * @param host host name the node runs on
 * @param metricsAddress {@code host:port} of its {@code /metrics} and {@code /health} listener
 */
public record Member(String nodeId, String host, String metricsAddress) {

  public Member {
    requireText("nodeId", nodeId);
    requireText("host", host);
    requireText("metricsAddress", metricsAddress);
  }

  /** The znode payload. */
  public byte[] encode() {
    return ("id=" + nodeId + "\nhost=" + host + "\nmetrics=" + metricsAddress + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Parses {@link #encode()}'s output; {@code fallbackId} (the znode name) when id is absent. */
  public static Member decode(byte[] data, String fallbackId) {
    Map<String, String> fields = KeyValues.parse(data);
    return new Member(
        fields.getOrDefault("id", fallbackId),
        fields.getOrDefault("host", "?"),
        fields.getOrDefault("metrics", "?"));
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank() || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("member " + name + "=" + value + ": must be one non-blank line");
    }
  }

  /** {@code key=value} line codec shared by the znodes of this package. */
  static final class KeyValues {
    private KeyValues() {}

    static Map<String, String> parse(byte[] data) {
      Map<String, String> fields = new HashMap<>();
      if (data == null) {
        return fields;
      }
      for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
      return fields;
    }
  }
}
