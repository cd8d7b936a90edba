package io.pgcdc.engine.config;

import java.util.List;

/**
 * The configuration cannot be used. {@link #getMessage()} holds every problem found, one per
 * line, each in the form {@code key=value: what is wrong (how to fix it)}, so that a user fixes
 * them all in one round trip instead of one per start.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /** The problems, one line each, in the order the keys appear in the key table. */
  public List<String> problems() {
    return problems;
  }
}
