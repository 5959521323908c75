package io.weir.metadata.controller;

import java.util.List;

public record DescribeConfigsResult(ApiError error, List<ConfigEntry> entries) {
    public DescribeConfigsResult {
        entries = List.copyOf(entries);
    }
}
