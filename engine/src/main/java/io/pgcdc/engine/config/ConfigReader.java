package io.pgcdc.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges the three layers of configuration into one raw text value per {@link ConfigKey}:
 * YAML (after {@code ${VAR}} substitution), then {@code PGCDC_*} environment overrides on top.
 * Typed getters convert and range-check; every problem is collected in {@link #problems()}
 * instead of thrown, so that the caller reports all of them at once.
 *
 * <p>Single-threaded, used once per load.
 */
final class ConfigReader {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** A raw value and where it came from, for error messages. */
  private record Raw(String text, List<String> items, String origin) {}

  private final Map<ConfigKey, Raw> values = new EnumMap<>(ConfigKey.class);
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> env;
  private boolean clusterSection;
  private boolean syntaxError;

  ConfigReader(String yaml, String sourceName, Map<String, String> env) {
    this.env = env;
    readYaml(yaml, sourceName);
    readEnvironment();
  }

  List<String> problems() {
    return problems;
  }

  /** True when the YAML could not be parsed: nothing else is worth reporting. */
  boolean hasSyntaxError() {
    return syntaxError;
  }

  Map<String, String> env() {
    return env;
  }

  /** True when the YAML has a {@code cluster:} section or any {@code PGCDC_CLUSTER_*} is set. */
  boolean hasClusterSection() {
    return clusterSection;
  }

  boolean isSet(ConfigKey key) {
    return values.containsKey(key);
  }

  void problem(String line) {
    problems.add(line);
  }

  /** {@code key=value (from ORIGIN): } prefix for a problem about this key's value. */
  String context(ConfigKey key) {
    Raw raw = values.get(key);
    if (raw == null) {
      return key.path() + ": ";
    }
    String shown = switch (key) {
      case SOURCE_PASSWORD -> "***";
      case SOURCE_URL, RABBITMQ_URI -> PgcdcConfig.redact(raw.text);
      default -> raw.text;
    };
    return key.path() + "=" + shown + from(raw) + ": ";
  }

  /** {@code key=item (from ORIGIN): } prefix for a problem about one item of this key's list. */
  String itemContext(ConfigKey key, String item) {
    Raw raw = values.get(key);
    return key.path() + "=" + item + (raw == null ? "" : from(raw)) + ": ";
  }

  private static String from(Raw raw) {
    return raw.origin.isEmpty() ? "" : " (from " + raw.origin + ")";
  }

  String text(ConfigKey key, String fallback) {
    Raw raw = values.get(key);
    return raw == null ? fallback : raw.text;
  }

  List<String> list(ConfigKey key, List<String> fallback) {
    Raw raw = values.get(key);
    return raw == null ? fallback : raw.items;
  }

  /** One of {@code type}'s constants, written in lower case ({@code stop}, {@code initial}, ...). */
  <E extends Enum<E>> E choice(ConfigKey key, E fallback, Class<E> type) {
    E[] all = type.getEnumConstants();
    return convert(key, fallback, t -> {
      for (E e : all) {
        if (e.name().equalsIgnoreCase(t)) {
          return e;
        }
      }
      List<String> names = new ArrayList<>();
      for (E e : all) {
        names.add(e.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException("must be " + String.join(" or ", names));
    });
  }

  boolean bool(ConfigKey key, boolean fallback) {
    return convert(key, fallback, t -> {
      switch (t.toLowerCase(Locale.ROOT)) {
        case "true": case "yes": case "on": return true;
        case "false": case "no": case "off": return false;
        default: throw new IllegalArgumentException("must be true or false");
      }
    });
  }

  int integer(ConfigKey key, int fallback, int min, int max) {
    Integer v = convert(key, fallback, t -> {
      try {
        return Integer.parseInt(t.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a whole number between " + min + " and " + max);
      }
    });
    if (v < min || v > max) {
      problem(context(key) + "must be between " + min + " and " + max);
      return fallback;
    }
    return v;
  }

  Duration duration(ConfigKey key, Duration fallback, Duration min, Duration max) {
    Duration d = convert(key, fallback, Units::parseDuration);
    if (d.compareTo(min) < 0 || (max != null && d.compareTo(max) > 0)) {
      problem(context(key) + (max == null
          ? "must be at least " + Units.formatDuration(min)
          : "must be between " + Units.formatDuration(min) + " and " + Units.formatDuration(max)));
      return fallback;
    }
    return d;
  }

  long size(ConfigKey key, long fallback) {
    return convert(key, fallback, Units::parseSize);
  }

  private <T> T convert(ConfigKey key, T fallback, Function<String, T> parser) {
    Raw raw = values.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return parser.apply(raw.text);
    } catch (IllegalArgumentException e) {
      problem(context(key) + e.getMessage());
      return fallback;
    }
  }

  // ---- layer 1: YAML ----

  private void readYaml(String yaml, String sourceName) {
    if (yaml == null || yaml.isBlank()) {
      return;
    }
    JsonNode root;
    try (JsonParser parser = YAML.createParser(yaml)) {
      root = parser.nextToken() == null ? null : readVerbatim(parser);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      problem(sourceName + where + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")
          + " (fix the syntax; keys are snake_case, nested by section)");
      syntaxError = true;
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String cannot fail with I/O
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      problem(sourceName + ": must be a YAML mapping with sections source, sink, journal, cluster, metrics");
      return;
    }
    walk(root, "");
  }

  /**
   * The YAML tree with every scalar kept as the text written: YAML 1.1 would read
   * {@code password: 0123} as the octal number 83 and {@code exchange: on} as {@code true}.
   */
  private static JsonNode readVerbatim(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        object.set(name, readVerbatim(p));
      }
      return object;
    }
    if (token == JsonToken.START_ARRAY) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        array.add(readVerbatim(p));
      }
      return array;
    }
    String text = p.getText();
    // "key:" with nothing after it is YAML null: the default applies
    return token == JsonToken.VALUE_NULL || text.isEmpty() ? NullNode.getInstance() : TextNode.valueOf(text);
  }

  private void walk(JsonNode node, String prefix) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      ConfigKey key = ConfigKey.byPath(path);
      if (path.equals("cluster") && value.isObject()) {
        clusterSection = true;
      }
      if (key != null) {
        readLeaf(key, value);
      } else if (isSection(path)) {
        if (value.isObject()) {
          walk(value, path);
        } else if (!value.isNull()) {
          problem(path + "=" + value.asText() + ": must be a section with keys such as " + firstKeyUnder(path));
        }
      } else {
        problem(path + ": unknown key (did you mean " + ConfigKey.nearest(path) + "?)");
      }
    }
  }

  private void readLeaf(ConfigKey key, JsonNode value) {
    if (value.isNull()) {
      return; // "key:" with nothing after it means the default
    }
    if (value.isObject()) {
      problem(key.path() + ": must be a value, not a section");
      return;
    }
    if (value.isArray()) {
      if (key != ConfigKey.SOURCE_TABLES) {
        problem(key.path() + ": must be a single value, not a list");
        return;
      }
      List<String> items = new ArrayList<>();
      for (JsonNode item : value) {
        items.add(substitute(key, item.asText()));
      }
      values.put(key, new Raw(String.join(",", items), List.copyOf(items), ""));
      return;
    }
    String text = substitute(key, value.asText());
    values.put(key, new Raw(text, splitList(text), ""));
  }

  private String substitute(ConfigKey key, String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String replacement = env.get(name);
      if (replacement == null) {
        replacement = m.group(2);
      }
      if (replacement == null) {
        problem(key.path() + "=" + m.group() + ": environment variable " + name
            + " is not set (export it, or write ${" + name + ":-default})");
        replacement = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static boolean isSection(String path) {
    for (ConfigKey k : ConfigKey.values()) {
      if (k.path().startsWith(path + ".")) {
        return true;
      }
    }
    return false;
  }

  private static String firstKeyUnder(String path) {
    for (ConfigKey k : ConfigKey.values()) {
      if (k.path().startsWith(path + ".")) {
        return k.path();
      }
    }
    return path;
  }

  // ---- layer 2: PGCDC_* environment ----

  private void readEnvironment() {
    for (ConfigKey key : ConfigKey.values()) {
      String text = env.get(key.envName());
      if (text == null || text.isEmpty()) {
        continue; // an empty variable (common in compose files) means "not set"
      }
      values.put(key, new Raw(text, splitList(text), key.envName()));
      if (key.path().startsWith("cluster.")) {
        clusterSection = true;
      }
    }
  }

  private static List<String> splitList(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return List.copyOf(items);
  }
}
