package io.pgcdc.ha;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The content of the epoch znode: the newest epoch any node has won, and which node won it.
 * Epoch 0 means "never elected" (and is what standalone nodes stamp).
 *
 * @param value the epoch, &gt;= 0
 * @param nodeId the node that won it, empty for epoch 0
 */
public record Epoch(long value, String nodeId) {

  public static final Epoch NONE = new Epoch(0, "");

  byte[] encode() {
    return ("epoch=" + value + "\nnode=" + nodeId + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static Epoch decode(byte[] data) {
    Map<String, String> fields = Member.KeyValues.parse(data);
    String epoch = fields.get("epoch");
    if (epoch == null) {
      return NONE;
    }
    try {
      return new Epoch(Long.parseLong(epoch), fields.getOrDefault("node", ""));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("epoch znode holds epoch=" + epoch + ": not a number", e);
    }
  }
}
