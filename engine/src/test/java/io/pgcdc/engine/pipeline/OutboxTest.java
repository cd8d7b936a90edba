package io.pgcdc.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboxTest {
  @Test
  void packsBodiesBackToBackAndGrowsPastItsStartSize() {
    Outbox out = new Outbox();
    out.coordinates(0x10, 0x20, 7);
    byte[] big = new byte[5000];
    for (int m = 0; m < 5; m++) {
      out.beginMessage("public.t", (byte) 'T', m);
      out.write(big, 0, big.length);
      out.write('x');
      out.endMessage();
    }
    assertThat(out.count()).isEqualTo(5);
    assertThat(out.offset(4)).isEqualTo(4 * 5001);
    assertThat(out.length(4)).isEqualTo(5001);
    assertThat(out.bodies()[out.offset(4) + 5000]).isEqualTo((byte) 'x');
    out.clear();
    assertThat(out.count()).isZero();
    assertThat(out.position()).isZero();
  }

  @Test
  void rewindForgetsTheMessagesWrittenSinceSoTheyCanBeWrittenAgain() {
    Outbox out = new Outbox();
    byte[] a = "{a}".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "{bb}".getBytes(StandardCharsets.US_ASCII);
    out.beginMessage("k", (byte) 'S', -1);
    out.write(a, 0, a.length);
    out.endMessage();
    int messages = out.count();
    int position = out.position();
    out.beginMessage("k", (byte) 'I', 0);
    out.write(b, 0, b.length);
    out.endMessage();

    out.rewind(messages, position);
    out.beginMessage("k", (byte) 'I', 0);
    out.write(a, 0, a.length);
    out.endMessage();

    assertThat(out.count()).isEqualTo(2);
    assertThat(new String(out.bodies(), out.offset(1), out.length(1), StandardCharsets.US_ASCII)).isEqualTo("{a}");
    assertThatThrownBy(() -> out.rewind(3, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void repeatAppendsBytesAlreadyWritten() {
    Outbox out = new Outbox();
    out.beginMessage("k", (byte) 'I', 0);
    byte[] abc = "{a}".getBytes(StandardCharsets.US_ASCII);
    out.write(abc, 0, 3);
    out.repeat(0, 3);
    out.endMessage();
    assertThat(new String(out.bodies(), 0, out.length(0), StandardCharsets.US_ASCII)).isEqualTo("{a}{a}");
  }

  @Test
  void messageIdsUseTheOrdinalOrTheSchemaRoutingKey() {
    Outbox out = new Outbox();
    out.coordinates(0, 0x16B37A0L, 1);
    out.beginMessage("_schema.public.users", (byte) 'S', -1);
    out.endMessage();
    out.beginMessage("public.users", (byte) 'I', 3);
    out.endMessage();
    MessageIds ids = new MessageIds("pgcdc_slot");
    assertThat(ids.of(out, 0).toString()).isEqualTo("pgcdc_slot/0/16B37A0/_schema.public.users");
    assertThat(ids.of(out, 1).toString()).isEqualTo("pgcdc_slot/0/16B37A0/3");
  }

  @Test
  void aSecondSchemaEventOfOneTableInOneTransactionGetsItsOwnId() {
    Outbox out = new Outbox();
    out.coordinates(0, 0x16B37A0L, 1);
    out.beginMessage("_schema.public.users", (byte) 'S', -1);
    out.endMessage();
    out.beginMessage("_schema.public.users", (byte) 'S', -2);
    out.endMessage();
    MessageIds ids = new MessageIds("pgcdc_slot");
    String first = ids.of(out, 0).toString();
    assertThat(ids.of(out, 1).toString()).isEqualTo("pgcdc_slot/0/16B37A0/_schema.public.users/2").isNotEqualTo(first);
  }
}
