package io.pgcdc.tools.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.pgcdc.testsupport.TestServers;
import io.pgcdc.decoder.Lsn;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness itself, without pgcdc: the writer's rows, published by the test as pgcdc would,
 * pass every check; a lost message fails it; closing the bed leaves nothing behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FaultBedIT {
  private static final int ROWS = 300;

  @Test
  void writerRowsPublishedOnceEachPassEveryCheckAndCloseRemovesEverything() throws Exception {
    String database;
    String queue;
    try (FaultBed bed = FaultBed.create("faultbed")) {
      database = bed.database();
      queue = bed.queue();
      RowWriter writer = bed.writer(ROWS, 4, 0).start();
      bed.awaitAllRowsWritten(writer);
      List<CommittedRow> rows = writer.committedRows();
      assertThat(rows).hasSize(ROWS);
      assertThat(rows).extracting(CommittedRow::insertLsn).isSortedAccordingTo(Long::compareUnsigned)
          .doesNotContain(0L);

      publishAsPgcdcWould(bed, rows.subList(0, ROWS - 1));
      bed.awaitDrained();
      assertThat(bed.verify(writer).problems()).containsExactly(
          "lost: committed row id=" + rows.get(ROWS - 1).id() + " k=3 seq=74 never arrived");

      publishAsPgcdcWould(bed, rows.subList(ROWS - 2, ROWS));
      bed.awaitAllRows(writer);
      DeliveryCheck.Verdict verdict = bed.verify(writer);
      assertThat(verdict.problems()).isEmpty();
      assertThat(verdict.duplicates()).isEqualTo(1);
      assertThat(bed.confirmedFlushLsn()).as("no slot yet").isZero();
    }

    try (java.sql.Connection c = TestServers.postgres().connect();
         ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
      assertThat(rs.next()).as("database dropped").isFalse();
    }
    try (Connection rabbit = TestServers.rabbitmq().connect()) {
      Channel probe = rabbit.createChannel(); // the broker closes it on the 404
      assertThatThrownBy(() -> probe.queueDeclarePassive(queue)).as("queue deleted")
          .rootCause().hasMessageContaining("NOT_FOUND");
    }
  }

  private static void publishAsPgcdcWould(FaultBed bed, List<CommittedRow> rows) throws Exception {
    try (Connection rabbit = TestServers.rabbitmq().connect(); Channel channel = rabbit.createChannel()) {
      channel.confirmSelect();
      for (CommittedRow row : rows) {
        String commitLsn = Lsn.format(row.insertLsn());
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
            .messageId(bed.slot() + "/" + commitLsn + "/0").deliveryMode(2)
            .headers(Map.of("pgcdc-epoch", 0L, "pgcdc-commit-lsn", commitLsn)).build();
        String body = "{\"op\":\"I\",\"after\":{\"id\":" + row.id() + ",\"k\":" + row.key() + ",\"seq\":" + row.seq() + "}}";
        channel.basicPublish(bed.exchange(), "public." + RowWriter.TABLE, true, properties,
            body.getBytes(StandardCharsets.UTF_8));
      }
      channel.waitForConfirmsOrDie(10_000);
    }
  }
}
