package io.pgcdc.perf.e2e;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.List;

/** Deletes the bench's queues and exchange; never throws (reports what it could not delete). */
final class RabbitCleanup {

  private final String uri;

  RabbitCleanup(String uri) {
    this.uri = uri;
  }

  void delete(List<String> queues, String exchange) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
      try (Connection connection = factory.newConnection("pgcdc-bench-cleanup")) {
        Channel channel = connection.createChannel();
        for (String queue : queues) {
          channel.queueDelete(queue);
        }
        channel.exchangeDelete(exchange);
      }
    } catch (Exception e) {
      System.err.println("bench: could not delete queues " + queues + " / exchange " + exchange + ": " + e.getMessage());
    }
  }
}
