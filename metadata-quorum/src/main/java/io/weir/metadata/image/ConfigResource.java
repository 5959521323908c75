package io.weir.metadata.image;

import io.weir.proto.v1.ConfigResourceType;
import java.util.Objects;

/** What a config applies to: a topic by name, or a broker by id ("" is the cluster default). */
public record ConfigResource(Type type, String name) {
    public enum Type {
        TOPIC(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC),
        BROKER(ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER);

        private final ConfigResourceType proto;

        Type(ConfigResourceType proto) {
            this.proto = proto;
        }

        public ConfigResourceType toProto() {
            return proto;
        }

        public static Type fromProto(ConfigResourceType t) {
            for (Type type : values()) {
                if (type.proto == t) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown config resource type " + t);
        }
    }

    public static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(Type.BROKER, "");

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }
}
