package io.pgcdc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.engine.PipelineFixture.Message;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partitioned table against a real PostgreSQL and RabbitMQ, under both values of
 * {@code source.publish_via_partition_root}: each partition under its own name (PostgreSQL's
 * default), or every row under the partitioned table's name, with no schema event for the
 * partitions whose Relation messages PostgreSQL sends alongside.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionedTablesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] ORDERS = {
      "CREATE TABLE orders (id int, region text, amount int, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
      "CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu')",
      "CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us')"};

  @Test
  void byDefaultEachPartitionIsPublishedUnderItsOwnNameAndPgcdcResetsTheOption() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_part_leaf").bindQueue()) {
      f.sql(ORDERS);
      f.sql("CREATE PUBLICATION " + f.slot + "_pub WITH (publish_via_partition_root = true)");
      f.start();
      assertThat(f.queryText("SELECT pubviaroot::text FROM pg_publication WHERE pubname = '" + f.slot + "_pub'"))
          .as("aligned with source.publish_via_partition_root: false").isEqualTo("false");

      f.sql("INSERT INTO orders VALUES (1, 'eu', 10)", "UPDATE orders SET region = 'us' WHERE id = 1",
          "TRUNCATE orders_eu");
      assertThat(JSON.readTree(f.take("_schema.public.orders_eu", 1).get(0).body()).get("table").asText())
          .isEqualTo("orders_eu");
      List<Message> eu = f.take("public.orders_eu", 3);
      assertThat(eu).extracting(m -> op(m)).containsExactly("I", "D", "T");
      assertThat(body(eu.get(0)).get("key")).isEqualTo(JSON.readTree("{\"id\":1,\"region\":\"eu\"}"));
      JsonNode moved = body(f.take("public.orders_us", 1).get(0));
      assertThat(moved.get("op").asText()).isEqualTo("I");
      assertThat(moved.get("after")).isEqualTo(JSON.readTree("{\"id\":1,\"region\":\"us\",\"amount\":10}"));
    }
  }

  @Test
  void viaThePartitionRootEveryRowArrivesAsThePartitionedTableAndPartitionsGetNoSchemaEvent() throws Exception {
    try (PipelineFixture f = new PipelineFixture("e_part_root").bindQueue()) {
      f.sql(ORDERS);
      f.start("  tables: [public.orders]\n  publish_via_partition_root: true\n", "");
      assertThat(f.queryText("SELECT pubviaroot::text FROM pg_publication WHERE pubname = '" + f.slot + "_pub'"))
          .isEqualTo("true");

      f.sql("INSERT INTO orders VALUES (1, 'eu', 10), (2, 'us', 20)", "UPDATE orders SET region = 'us' WHERE id = 1",
          "TRUNCATE orders_eu", "TRUNCATE orders");
      JsonNode schema = body(f.take("_schema.public.orders", 1).get(0));
      assertThat(schema.get("table").asText()).isEqualTo("orders");
      assertThat(schema.at("/columns/0/key").asBoolean()).isTrue();
      assertThat(schema.at("/columns/1/key").asBoolean()).isTrue();
      List<Message> rows = f.take("public.orders", 5);
      assertThat(rows).extracting(m -> op(m)).containsExactly("I", "I", "D", "I", "T");
      assertThat(body(rows.get(0)).get("key")).isEqualTo(JSON.readTree("{\"id\":1,\"region\":\"eu\"}"));
      assertThat(body(rows.get(3)).get("after")).isEqualTo(JSON.readTree("{\"id\":1,\"region\":\"us\",\"amount\":10}"));
      assertThat(f.untaken()).as("no message for a partition, not even a schema event").isEmpty();
    }
  }

  private static String op(Message m) {
    return m.properties().getHeaders().get("pgcdc-op").toString();
  }

  private static JsonNode body(Message m) throws Exception {
    return JSON.readTree(m.body());
  }
}
