package io.pgcdc.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The line {@code pgcdc tail} prints for one message, without a broker. */
class TailCommandTest {

  private static String line(String body) throws Exception {
    return line(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String line(byte[] body) throws Exception {
    return TailCommand.line(new TailCommand.Message(new Envelope(1, false, "pgcdc", "public.t"),
        new AMQP.BasicProperties.Builder().messageId("s/0/1/0").build(), body, null));
  }

  @Test
  void aJsonBodyIsPrintedWithItsOwnDigits() throws Exception {
    String body = "{\"n\":12345678901234567890.000123,\"f\":1.5e-07,\"z\":1.10}";

    assertThat(line(body)).isEqualTo("{\"routing_key\":\"public.t\",\"message_id\":\"s/0/1/0\",\"body\":" + body + "}");
  }

  @Test
  void aPrettyPrintedJsonBodyStaysOnOneLine() throws Exception {
    assertThat(line("{\n  \"a\": 1\n}")).endsWith("\"body\":{\"a\":1}}").doesNotContain("\n");
  }

  @Test
  void aBodyThatIsNotJsonIsPrintedAsAString() throws Exception {
    assertThat(line("not json")).endsWith("\"body\":\"not json\"}");
    assertThat(line("")).endsWith("\"body\":\"\"}");
  }

  @Test
  void aBodyWithMoreThanOneJsonValueIsPrintedAsAStringSoTheLineStaysOneJsonObject() throws Exception {
    assertThat(line("{\"a\":1} {\"b\":2}")).endsWith("\"body\":\"{\\\"a\\\":1} {\\\"b\\\":2}\"}");
    assertThat(line("{\"a\":1} trailing")).endsWith("\"body\":\"{\\\"a\\\":1} trailing\"}");
  }

  @Test
  void aJsonBodyWithMalformedUtf8IsPrintedAsAString() throws Exception {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};

    assertThat(line(body)).endsWith("\"body\":\"{\\\"a\\\":\\\"\uFFFD\\\"}\"}");
  }
}
