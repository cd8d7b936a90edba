package io.pgcdc.decoder;

import static java.util.concurrent.TimeUnit.MINUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.pgcdc.decoder.FixtureScenarios.Protocol;
import io.pgcdc.decoder.FixtureScenarios.Scenario;
import io.pgcdc.testsupport.PostgresServer;
import io.pgcdc.testsupport.TestServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * Golden fixtures from real servers: runs every {@link FixtureScenarios scenario} on PostgreSQL 15
 * (the shared server, protocols 1 and 2) and an embedded PostgreSQL 17 (protocols 3 and 4),
 * captures the raw pgoutput messages with pgjdbc's replication API, and
 *
 * <ul>
 *   <li>with {@code -Dfixtures.record=true}: writes them to {@code src/test/resources/fixtures}
 *       (then {@link PgOutputFixtureTest} asserts every field of them);</li>
 *   <li>otherwise: checks that the live servers still send what the stored fixtures hold (same
 *       message kinds) and that the decoder decodes every message.</li>
 * </ul>
 *
 * Each scenario gets a fresh slot, so each fixture is a self-contained session (Relation messages
 * included). Everything created (databases, slots, the replication origin) is dropped afterwards.
 */
@Timeout(value = 10, unit = MINUTES)
class PgOutputFixtureIT {
  private static final boolean RECORD = Boolean.getBoolean("fixtures.record");
  private static final Path OUT = Path.of("src/test/resources/fixtures");
  private static final byte[] END_PREFIX = "fixture-end".getBytes(StandardCharsets.US_ASCII);
  private static final List<Fixture> CAPTURED = new ArrayList<>();

  /** Where to connect: the shared server or the embedded one. */
  private interface Source {
    String url(String database);

    Properties properties();
  }

  @Test
  void postgres15SendsProtocolOneAndTwoMessagesTheDecoderDecodes() throws Exception {
    PostgresServer server = TestServers.postgres();
    String db = server.createDatabase("fxdec");
    try {
      Source source = new Source() {
        @Override
        public String url(String database) {
          return server.jdbcUrl(database);
        }

        @Override
        public Properties properties() {
          return server.properties();
        }
      };
      captureAll(source, db, FixtureScenarios.PG15);
    } finally {
      server.dropDatabase(db);
      // Origins are cluster-wide; the scenario drops its own, this covers a failure half-way.
      server.execute("SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin"
          + " WHERE roname = '" + FixtureScenarios.ORIGIN + "'");
    }
  }

  @Test
  void postgres17SendsProtocolThreeAndFourMessagesTheDecoderDecodes() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_prepared_transactions", "10")
        // zonky turns it off; logical decoding would then see commits late.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("max_replication_slots", "10")
        .setServerConfig("max_wal_senders", "10")
        .start()) {
      Source source = new Source() {
        @Override
        public String url(String database) {
          return pg.getJdbcUrl("postgres", database);
        }

        @Override
        public Properties properties() {
          return new Properties();
        }
      };
      String db = "fxdec17";
      execute(source, "postgres", "CREATE DATABASE " + db);
      captureAll(source, db, FixtureScenarios.PG17);
    }
  }

  @AfterAll
  static void writeOrCompare() throws Exception {
    if (RECORD) {
      CAPTURED.sort((a, b) -> order(a.id()) - order(b.id()));
      Fixture.write(OUT, CAPTURED);
    }
  }

  private static int order(String id) {
    int i = 0;
    for (Protocol p : concat(FixtureScenarios.PG15, FixtureScenarios.PG17)) {
      for (Scenario s : p.scenarios()) {
        if (id.equals("v" + p.version() + "/" + s.name())) {
          return i;
        }
        i++;
      }
    }
    return i;
  }

  private static List<Protocol> concat(List<Protocol> a, List<Protocol> b) {
    List<Protocol> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private void captureAll(Source source, String db, List<Protocol> protocols) throws Exception {
    for (String sql : FixtureScenarios.SCHEMA) {
      execute(source, db, sql);
    }
    try (Connection c = DriverManager.getConnection(source.url(db), source.properties());
        ResultSet rs = c.createStatement().executeQuery("SHOW server_version")) {
      rs.next();
      String serverVersion = rs.getString(1).split(" ")[0];
      for (Protocol protocol : protocols) {
        for (Scenario scenario : protocol.scenarios()) {
          Map<String, String> props = new LinkedHashMap<>();
          props.put("server", serverVersion);
          List<Fixture.Frame> frames = capture(source, db, protocol, scenario, props);
          List<MessageType> types = frames.stream().map(Fixture.Frame::type).toList();
          props.put("types", runLengths(types));
          Fixture fixture = new Fixture("v" + protocol.version() + "/" + scenario.name(), props, frames);
          assertDecodes(fixture);
          if (RECORD) {
            synchronized (CAPTURED) {
              CAPTURED.add(fixture);
            }
          } else {
            Fixture stored = Fixture.load(fixture.id());
            assertThat(props.get("types")).as("message kinds of %s", fixture.id())
                .isEqualTo(stored.property("types"));
          }
        }
      }
    }
  }

  /** {@code BEGIN,INSERT*2000,COMMIT}: exact kinds and order, counts compressed. */
  static String runLengths(List<MessageType> types) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < types.size(); ) {
      int j = i;
      while (j < types.size() && types.get(j) == types.get(i)) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ",").append(types.get(i));
      if (j - i > 1) {
        sb.append('*').append(j - i);
      }
      i = j;
    }
    return sb.toString();
  }

  private static void assertDecodes(Fixture fixture) {
    PgOutputDecoder decoder = new PgOutputDecoder();
    for (Fixture.Frame frame : fixture.frames()) {
      assertThatCode(() -> decoder.wrap(frame.bytes(), 0, frame.bytes().length))
          .as("decoding %s of %s", frame.type(), fixture.id()).doesNotThrowAnyException();
    }
  }

  private static List<Fixture.Frame> capture(Source source, String db, Protocol protocol, Scenario scenario,
      Map<String, String> props) throws Exception {
    String slot = ("fx_" + scenario.name() + "_" + UUID.randomUUID().toString().substring(0, 8)).replace('-', '_');
    try (Connection c = DriverManager.getConnection(source.url(db), source.properties())) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput', false, "
            + protocol.twoPhase() + ")");
        for (String sql : scenario.sql()) {
          runRecording(s, sql, props);
        }
        s.execute("SELECT pg_logical_emit_message(false, 'fixture-end', '')");
      }
      try {
        return read(source, db, slot, protocol);
      } finally {
        dropSlot(c, slot);
      }
    }
  }

  /** Runs one statement; {@code SELECT x AS name} results go into the fixture's properties. */
  private static void runRecording(Statement s, String sql, Map<String, String> props) throws SQLException {
    int as = sql.indexOf(" AS ");
    if (sql.startsWith("SELECT") && as > 0 && !sql.contains(" FROM ")) {
      try (ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        props.put(sql.substring(as + 4).trim(), rs.getString(1));
      }
    } else {
      s.execute(sql);
    }
  }

  private static List<Fixture.Frame> read(Source source, String db, String slot, Protocol protocol) throws Exception {
    Properties p = new Properties();
    p.putAll(source.properties());
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    // Small enough that 2000 rows in one transaction are streamed (protocol 2+); value text in
    // the formats pgcdc's own replication connection asks for.
    PGProperty.OPTIONS.set(p, "-c logical_decoding_work_mem=64kB -c TimeZone=UTC -c DateStyle=ISO"
        + " -c IntervalStyle=postgres -c extra_float_digits=3");
    List<Fixture.Frame> frames = new ArrayList<>();
    try (Connection rc = DriverManager.getConnection(source.url(db), p)) {
      ChainedLogicalStreamBuilder builder = rc.unwrap(PGConnection.class).getReplicationAPI()
          .replicationStream().logical().withSlotName(slot);
      protocol.options().forEach(builder::withSlotOption);
      try (PGReplicationStream stream = builder.start()) {
        while (true) {
          ByteBuffer buffer = stream.read();
          byte[] bytes = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
              buffer.arrayOffset() + buffer.limit());
          if (isEndMarker(bytes)) {
            return frames;
          }
          frames.add(new Fixture.Frame(stream.getLastReceiveLSN().asLong(), bytes));
        }
      }
    }
  }

  /** The non-transactional {@code fixture-end} message each scenario ends with. */
  private static boolean isEndMarker(byte[] m) {
    // 'M', flags, lsn(8), prefix... (never inside a stream: non-transactional)
    return m.length >= 10 + END_PREFIX.length && m[0] == 'M'
        && Arrays.equals(m, 10, 10 + END_PREFIX.length, END_PREFIX, 0, END_PREFIX.length);
  }

  private static void dropSlot(Connection c, String slot) {
    // The walsender lets go of the slot asynchronously after the replication connection closes.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
      }
      return true;
    });
  }

  private static void execute(Source source, String db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(source.url(db), source.properties());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
