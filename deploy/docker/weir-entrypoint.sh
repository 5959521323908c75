#!/bin/sh
# Starts a Weir node in a Kubernetes StatefulSet pod. The per-pod settings (node.id, the voters,
# the advertised listener, the rack) are derived from the pod's name and environment, so one pod
# template serves every ordinal; storage is formatted on first start; then `weir server` replaces
# this shell so it receives SIGTERM directly (controlled shutdown runs in its shutdown hook).
#
#   weir-entrypoint.sh                 format storage if needed, then exec `weir server`
#   weir-entrypoint.sh --print-config  print the per-pod properties and exit; starts nothing
#
# Environment:
#   POD_NAME (else HOSTNAME)   <statefulset>-<ordinal>, e.g. weir-2                   (required)
#   POD_NAMESPACE              the pod's namespace                                     (required)
#   WEIR_HEADLESS_SERVICE      the StatefulSet's headless Service (its serviceName)     (required)
#   WEIR_PROCESS_ROLES         broker, controller or broker,controller (default broker,controller)
#   WEIR_NODE_ID_BASE          node.id of ordinal 0 (default 0): node.id = base + ordinal
#   WEIR_REPLICAS              this StatefulSet's replicas; with the controller role, the voter count
#   WEIR_CONTROLLER_STATEFULSET, WEIR_CONTROLLER_SERVICE, WEIR_CONTROLLER_REPLICAS,
#   WEIR_CONTROLLER_NODE_ID_BASE
#                              where the voters run when they are another StatefulSet (split layout);
#                              each defaults to this StatefulSet's own value
#   WEIR_BROKER_PORT (9092), WEIR_CONTROLLER_PORT (9093)
#                              the PLAINTEXT and CONTROLLER listener ports of the config file
#   WEIR_CLUSTER_DOMAIN        the cluster's DNS domain (default cluster.local)
#   WEIR_RACK, or WEIR_RACK_FILE (a file holding it)
#                              broker.rack, usually the node's zone (see deploy/README.md)
#   WEIR_CLUSTER_ID            the id storage is formatted with, the same on every node (to start)
#   WEIR_CONFIG                server.properties (default /etc/weir/server.properties)
#   WEIR_JAR (default /opt/weir/weir.jar), JAVA (default java), WEIR_JAVA_OPTS (the server's JVM options)
set -eu
set -f # WEIR_JAVA_OPTS is split into words below; none of them is a file pattern

die() {
  echo "weir-entrypoint: $*" >&2
  exit 1
}

# Fails unless $2 is a decimal integer without sign or leading zeros; $1 names the input.
require_number() {
  case $2 in
    '' | *[!0-9]*) die "$1 must be a non-negative integer, got '$2'" ;;
    0?*) die "$1 must not have leading zeros, got '$2'" ;;
  esac
  [ ${#2} -le 9 ] || die "$1 is too large: '$2'"
}

print_only=false
case $#:${1:-} in
  0:) ;;
  1:--print-config) print_only=true ;;
  *) die "unknown argument '$*' (the only option is --print-config)" ;;
esac

pod=${POD_NAME:-${HOSTNAME:-}}
[ -n "$pod" ] || die "neither POD_NAME nor HOSTNAME is set: cannot tell the pod's StatefulSet ordinal"
pod=${pod%%.*} # a fully qualified hostname starts with the pod name
case $pod in
  *-*) ;;
  *) die "hostname '$pod' is not <statefulset>-<ordinal> (e.g. weir-0): run this in a StatefulSet pod" ;;
esac
sts=${pod%-*}
ordinal=${pod##*-}
case $sts in
  '' | -* | *[!a-z0-9-]*) die "hostname '$pod' does not start with a StatefulSet name (lower-case letters, digits, '-')" ;;
esac
case $ordinal in
  '' | *[!0-9]* | 0?*) die "hostname '$pod' does not end in a StatefulSet ordinal (-0, -1, ...)" ;;
esac
require_number "the ordinal of hostname '$pod'" "$ordinal"

namespace=${POD_NAMESPACE:-}
[ -n "$namespace" ] || die "POD_NAMESPACE is not set (give it from the downward API: fieldRef metadata.namespace)"
service=${WEIR_HEADLESS_SERVICE:-}
[ -n "$service" ] || die "WEIR_HEADLESS_SERVICE is not set (the StatefulSet's serviceName)"
domain=${WEIR_CLUSTER_DOMAIN:-cluster.local}

roles=${WEIR_PROCESS_ROLES:-broker,controller}
case $roles in
  broker) broker=true controller=false ;;
  controller) broker=false controller=true ;;
  broker,controller | controller,broker) broker=true controller=true ;;
  *) die "WEIR_PROCESS_ROLES must be broker, controller or broker,controller, got '$roles'" ;;
esac

base=${WEIR_NODE_ID_BASE:-0}
require_number WEIR_NODE_ID_BASE "$base"
node_id=$((base + ordinal))
broker_port=${WEIR_BROKER_PORT:-9092}
require_number WEIR_BROKER_PORT "$broker_port"
controller_port=${WEIR_CONTROLLER_PORT:-9093}
require_number WEIR_CONTROLLER_PORT "$controller_port"

# The voters: ordinals 0..replicas-1 of the controller StatefulSet, each at its stable DNS name.
voter_sts=${WEIR_CONTROLLER_STATEFULSET:-$sts}
voter_service=${WEIR_CONTROLLER_SERVICE:-$service}
voter_base=${WEIR_CONTROLLER_NODE_ID_BASE:-$base}
require_number WEIR_CONTROLLER_NODE_ID_BASE "$voter_base"
voter_count=${WEIR_CONTROLLER_REPLICAS:-${WEIR_REPLICAS:-}}
[ -n "$voter_count" ] || die "WEIR_REPLICAS is not set (the StatefulSet's replicas; the controllers' count with WEIR_CONTROLLER_REPLICAS)"
require_number "WEIR_CONTROLLER_REPLICAS/WEIR_REPLICAS" "$voter_count"
[ "$voter_count" -ge 1 ] || die "the controller quorum needs at least one voter, got $voter_count"

if $controller; then
  if [ "$voter_sts" != "$sts" ] || [ "$voter_base" != "$base" ]; then
    die "a controller's voters are its own StatefulSet: WEIR_CONTROLLER_STATEFULSET and WEIR_CONTROLLER_NODE_ID_BASE must be unset or '$sts' and '$base'"
  fi
  # The voter set is fixed at format time (no quorum reconfiguration), so extra ordinals cannot join.
  [ "$ordinal" -lt "$voter_count" ] || die "pod $pod is ordinal $ordinal but the quorum has $voter_count voters (WEIR_REPLICAS): a controller StatefulSet cannot scale beyond its voters; add brokers with the split layout instead"
elif [ "$node_id" -ge "$voter_base" ] && [ "$node_id" -lt $((voter_base + voter_count)) ]; then
  die "broker node.id $node_id is also a voter's id ($voter_base..$((voter_base + voter_count - 1))): give brokers a WEIR_NODE_ID_BASE outside the controllers' ids"
fi

voters=
i=0
while [ "$i" -lt "$voter_count" ]; do
  voters="${voters:+$voters,}$((voter_base + i))@$voter_sts-$i.$voter_service.$namespace.svc.$domain:$controller_port"
  i=$((i + 1))
done

props="process.roles=$roles
node.id=$node_id
controller.quorum.voters=$voters"
if $broker; then
  props="$props
advertised.listeners=PLAINTEXT://$pod.$service.$namespace.svc.$domain:$broker_port"
  rack=${WEIR_RACK:-}
  if [ -z "$rack" ] && [ -n "${WEIR_RACK_FILE:-}" ]; then
    [ -r "$WEIR_RACK_FILE" ] || die "WEIR_RACK_FILE $WEIR_RACK_FILE is not readable"
    rack=$(cat "$WEIR_RACK_FILE")
  fi
  case $rack in
    *[![:graph:]]*) die "broker.rack '$rack' (from WEIR_RACK or WEIR_RACK_FILE) contains whitespace or control characters" ;;
  esac
  [ -z "$rack" ] || props="$props
broker.rack=$rack"
fi

if $print_only; then
  printf '%s\n' "$props"
  exit 0
fi

config=${WEIR_CONFIG:-/etc/weir/server.properties}
[ -r "$config" ] || die "config file $config (WEIR_CONFIG) is not readable"
cluster_id=${WEIR_CLUSTER_ID:-}
[ -n "$cluster_id" ] || die "WEIR_CLUSTER_ID is not set (one id for the whole cluster: see \`weir storage random-uuid\`)"
jar=${WEIR_JAR:-/opt/weir/weir.jar}
java=${JAVA:-java}

set --
while IFS= read -r kv; do
  set -- "$@" --override "$kv"
done <<END
$props
END

# Formatting an already formatted directory for this node and cluster changes nothing, and one
# formatted for another node or cluster is refused, so running it on every start is safe.
"$java" -jar "$jar" storage format --config "$config" --cluster-id "$cluster_id" "$@"
# shellcheck disable=SC2086 # WEIR_JAVA_OPTS is a list of JVM options
exec "$java" ${WEIR_JAVA_OPTS:-} -jar "$jar" server --config "$config" "$@"
