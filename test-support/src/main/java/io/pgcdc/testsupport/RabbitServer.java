package io.pgcdc.testsupport;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/** A RabbitMQ broker for ITs. Each IT declares its own exchanges and queues and deletes them. */
public final class RabbitServer {
  private final String uri;

  RabbitServer(String uri) {
    this.uri = uri;
  }

  /** {@code amqp://user:password@host:port[/vhost]}. */
  public String uri() {
    return uri;
  }

  /** A new connection; the caller closes it. */
  public Connection connect() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setAutomaticRecoveryEnabled(false);
    return f.newConnection("pgcdc-test");
  }

  @Override
  public String toString() {
    return "RabbitServer[" + uri.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@") + "]";
  }
}
