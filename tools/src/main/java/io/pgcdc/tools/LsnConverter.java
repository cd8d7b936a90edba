package io.pgcdc.tools;

import io.pgcdc.decoder.Lsn;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --from-lsn 0/16B3748} style options with {@link Lsn#parse}; a bad one is a usage error. */
final class LsnConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return Lsn.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
