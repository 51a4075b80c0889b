#!/usr/bin/env bash
# Sourced by kafka.sh: the broker's jars, fetched from Maven Central once (pom.xml) into the cache,
# and the short-lived Java tools run from them.

# The marker holds the pom's checksum, so editing the pom (a new jar, another version) re-resolves.
pom_checksum() {
  sha256sum "$POM" | cut -d' ' -f1
}

jars_ready() {
  [[ "$(cat "$LIBS/.complete" 2>/dev/null)" == "$(pom_checksum)" ]]
}

cmd_install() {
  jars_ready && return 0
  # Parallel first uses (say, two run-class calls) resolve once: the second waits, then finds the
  # jars. The lock is released before anything long-lived (the broker) could inherit it.
  mkdir -p "$(dirname "$LIBS")"
  exec 8>"$(dirname "$LIBS")/.install.lock"
  flock 8
  if ! jars_ready; then
    resolve_jars
  fi
  exec 8>&-
}

resolve_jars() {
  command -v mvn >/dev/null || die "$C" "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  command -v java >/dev/null || die "$C" "Java 17 is needed to run Kafka"
  local started=$SECONDS
  say "$C" "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  # Resolve into a fresh directory (no stale jars on the wildcard classpath), then swap it in, so a
  # failed or interrupted download never leaves a half-filled libs/ behind.
  local fresh="$LIBS.new.$$"
  rm -rf "$fresh"
  mkdir -p "$fresh"
  # Maven's own output goes to a log (it prints stray colour codes even with -q); shown on failure.
  local mvn_log="$ECOM_LOG_DIR/kafka-install.log"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$fresh" >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2
    rm -rf "$fresh"
    die "$C" "mvn dependency:copy-dependencies failed (log: $mvn_log)"
  fi
  pom_checksum >"$fresh/.complete" # only after every jar is in place
  rm -rf "$LIBS.old"
  [[ -d "$LIBS" ]] && mv "$LIBS" "$LIBS.old"
  mv "$fresh" "$LIBS"
  rm -rf "$LIBS.old" # a JVM still running from the old jars keeps its open files
  say "$C" "jars ready in $((SECONDS - started))s"
}

# java_tool CLASS ARGS... : a main class of the broker's jars in the foreground, WARN+ on stderr.
java_tool() {
  java "${TOOLS_JAVA_OPTS[@]}" -cp "$LIBS/*" "$@"
}
