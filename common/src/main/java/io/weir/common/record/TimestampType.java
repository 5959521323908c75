package io.weir.common.record;

/** Which clock a batch's timestamps come from: attribute bit 3 of a v2 batch, as in Kafka. */
public enum TimestampType {
  CREATE_TIME,
  LOG_APPEND_TIME;

  /** Kafka's config value: {@code message.timestamp.type=CreateTime|LogAppendTime}. */
  public static TimestampType forConfigValue(String value) {
    return switch (value) {
      case "CreateTime" -> CREATE_TIME;
      case "LogAppendTime" -> LOG_APPEND_TIME;
      default ->
          throw new IllegalArgumentException(
              "message.timestamp.type must be CreateTime or LogAppendTime, not '" + value + "'");
    };
  }
}
