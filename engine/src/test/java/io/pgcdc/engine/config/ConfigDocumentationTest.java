package io.pgcdc.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The documentation cannot drift from the key table: every key is in README.md and in the javadoc. */
class ConfigDocumentationTest {

  @Test
  void readmeDocumentsEveryKeyWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));

    for (ConfigKey key : ConfigKey.values()) {
      assertThat(readme).as(key.path()).contains("| `" + key.path() + "` |");
    }
  }

  @Test
  void javadocDocumentsEveryKey() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/pgcdc/engine/config/PgcdcConfig.java"));

    for (ConfigKey key : ConfigKey.values()) {
      assertThat(source).as(key.path()).contains("<td>{@code " + key.path() + "}</td>");
    }
  }
}
