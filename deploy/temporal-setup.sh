#!/bin/sh
# One-shot step run in temporalio/admin-tools (Alpine, POSIX sh) once the server answers:
# creates Kaizen's namespace if it is missing and registers Kaizen's Keyword search
# attributes. Idempotent: a second run finds everything in place and exits 0. It exits
# non-zero (and so keeps the workers from starting) if the server never becomes healthy or
# an attribute already exists with another type than the one Kaizen needs.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
# Only used when the namespace is created; an existing namespace keeps its retention.
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-72h}
# `Name Type` lines, generated from src/contracts/search-attributes.ts (npm run generate:deploy).
ATTRIBUTES_FILE=${KAIZEN_SEARCH_ATTRIBUTES_FILE:-$(dirname "$0")/search-attributes.txt}
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
  wanted=$2
  type=$(attribute_type "$name") || return 1
  case "$type" in
    "$wanted") return 0 ;;
    '') ;;
    *)
      echo "Search attribute ${name} already exists in namespace ${NAMESPACE} with type ${type}; Kaizen needs ${wanted}." >&2
      echo "Remove it (temporal operator search-attribute remove --name ${name}) or use another namespace." >&2
      exit 1
      ;;
  esac
  # Servers before 1.2x answered AlreadyExists to a concurrent registration; the check
  # below is what decides.
  temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$wanted" --address "$ADDRESS" ||
    true
  [ "$(attribute_type "$name")" = "$wanted" ]
}

echo "Waiting for the Temporal server at ${ADDRESS}..."
retry "server ${ADDRESS} healthy" server_healthy

echo "Namespace ${NAMESPACE}..."
retry "namespace ${NAMESPACE} exists" ensure_namespace

# Read first: the commands in the loop must not read the file as their stdin.
pairs=$(awk '!/^#/ && NF == 2 { print $1 ":" $2 }' "$ATTRIBUTES_FILE")
[ -n "$pairs" ] || { echo "No search attributes in ${ATTRIBUTES_FILE}" >&2; exit 1; }
registered=""
for pair in $pairs; do
  attribute=${pair%%:*}
  type=${pair#*:}
  retry "search attribute ${attribute} (${type}) registered" ensure_attribute "$attribute" "$type"
  echo "Search attribute ${attribute}: ${type}"
  registered="${registered} ${attribute}"
done

echo "Temporal set-up complete: namespace ${NAMESPACE}, search attributes:${registered}"
