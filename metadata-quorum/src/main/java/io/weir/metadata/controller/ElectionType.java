package io.weir.metadata.controller;

/** Kafka's ElectLeaders strategies. */
public enum ElectionType {
    /** Move leadership back to the first replica when it is in the ISR and active. */
    PREFERRED,
    /** Give an offline partition any active replica as leader, accepting possible data loss. */
    UNCLEAN
}
