# Sourced by scripts/lessons and scripts/notebooks: builds the project (mvn package, tests
# skipped) when the build is missing, older than pom.xml or any main source, or of another flavour
# than asked for: LESSONS_MAVEN_ARGS=-Pgpu builds against TensorFlow's CUDA natives, and switching
# back and forth rebuilds. Needs $root (the checkout); sets $jar.
# shellcheck shell=bash

jar="$root/target/tfjava-course.jar"
flavour_file="$root/target/lessons-build-args"
maven_args="${LESSONS_MAVEN_ARGS:-}"

stale() {
  [ ! -f "$jar" ] && return 0
  # A build cut short (Ctrl-C, a timeout) may leave the jar without its lib/ class path.
  [ -z "$(ls -A "$root/target/lib" 2>/dev/null)" ] && return 0
  [ "$(cat "$flavour_file" 2>/dev/null || echo '<none>')" != "$maven_args" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root/src/main" -newer "$jar" -print -quit)" ]
}

# $1: who is asking (the prefix of the message)
build_if_stale() {
  if stale; then
    echo "$1: building the project (mvn package -DskipTests ${maven_args})..." >&2
    rm -f "$flavour_file" # written again only once the build has finished
    # shellcheck disable=SC2086 # the extra Maven arguments are meant to split into words
    (cd "$root" && mvn -q -B package -DskipTests $maven_args) >&2
    printf '%s' "$maven_args" > "$flavour_file"
  fi
}
