#!/bin/sh
# One-shot step run in temporalio/admin-tools (Alpine, POSIX sh) once the server answers:
# creates Kaizen's namespace if it is missing and registers Kaizen's Keyword search
# attributes. Idempotent: a second run finds everything in place and exits 0. It exits
# non-zero (and so keeps the workers from starting) if the server never becomes healthy or
# an attribute already exists with a type other than Keyword.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
# Only used when the namespace is created; an existing namespace keeps its retention.
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-72h}
# Must match src/core/search-attributes.ts.
ATTRIBUTES=${KAIZEN_SEARCH_ATTRIBUTES:-KaizenRepo KaizenFile KaizenStep KaizenOutcome KaizenStrategy}
MAX_ATTEMPTS=${SETUP_MAX_ATTEMPTS:-60}
SLEEP_SECONDS=${SETUP_SLEEP_SECONDS:-2}

# retry DESCRIPTION COMMAND...: runs COMMAND until it succeeds, MAX_ATTEMPTS times at most.
retry() {
  what=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "Gave up: ${what} (after ${MAX_ATTEMPTS} attempts)" >&2
      return 1
    fi
    echo "Not yet: ${what} (attempt ${attempt}/${MAX_ATTEMPTS})"
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

server_healthy() {
  temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1
}

namespace_exists() {
  temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1
}

# Describe first; create only when missing. A concurrent creator makes `create` fail with
# "already exists", and the next describe then succeeds.
ensure_namespace() {
  namespace_exists && return 0
  if temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"; then
    return 0
  fi
  namespace_exists
}

# Prints the type of search attribute $1 in the namespace ("" when it is not registered);
# fails when the list cannot be read.
attribute_type() {
  listing=$(temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS") || return 1
  printf '%s\n' "$listing" | awk -v name="$1" '$1 == name { print $2; exit }'
}

ensure_attribute() {
  name=$1
  type=$(attribute_type "$name") || return 1
  case "$type" in
    Keyword) return 0 ;;
    '') ;;
    *)
      echo "Search attribute ${name} already exists in namespace ${NAMESPACE} with type ${type}; Kaizen needs Keyword." >&2
      echo "Remove it (temporal operator search-attribute remove --name ${name}) or use another namespace." >&2
      exit 1
      ;;
  esac
  # Servers before 1.2x answered AlreadyExists to a concurrent registration; the check
  # below is what decides.
  temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type Keyword --address "$ADDRESS" ||
    true
  [ "$(attribute_type "$name")" = Keyword ]
}

echo "Waiting for the Temporal server at ${ADDRESS}..."
retry "server ${ADDRESS} healthy" server_healthy

echo "Namespace ${NAMESPACE}..."
retry "namespace ${NAMESPACE} exists" ensure_namespace

for attribute in $ATTRIBUTES; do
  retry "search attribute ${attribute} (Keyword) registered" ensure_attribute "$attribute"
  echo "Search attribute ${attribute}: Keyword"
done

echo "Temporal set-up complete: namespace ${NAMESPACE}, search attributes: ${ATTRIBUTES}"
