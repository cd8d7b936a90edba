package io.pgcdc.engine.encode;

import io.pgcdc.engine.pipeline.Outbox;
import java.io.OutputStream;

/**
 * The long-lived {@link OutputStream} under the encoder's Jackson generator, pointed at the
 * current ring event's {@link Outbox}: one generator serves every event without reallocation.
 *
 * <p>Threading: encode thread only.
 */
final class OutboxStream extends OutputStream {
  private Outbox target;

  void target(Outbox outbox) {
    this.target = outbox;
  }

  @Override
  public void write(int b) {
    target.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    target.write(b, off, len);
  }
}
