# Sourced by the scripts that run a measuring tool of src/test (dev.tfjava.course.perf): builds
# the test classes (and, through scripts/lessons, the jar when stale), sets scripts/lessons'
# TensorFlow environment, and runs a class with TensorFlow's start-up chatter filtered out.
# Needs $root (the project folder).

perf_java_setup() {
  (cd "$root" && mvn -q -B test-compile) >&2
  "$root/scripts/lessons" --help > /dev/null
  export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
  export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-1}"
}

# perf_java CLASS [ARGS...]: dev.tfjava.course.perf.CLASS on the test classes and the jar.
perf_java() {
  local class="$1"
  shift
  java -cp "$root/target/test-classes:$root/target/tfjava-course.jar" \
    "dev.tfjava.course.perf.$class" "$@" 2>&1 | grep -v -E '^(I0000|WARNING: All log)'
}
