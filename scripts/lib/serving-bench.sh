# Sourced by the serving benchmarks (bench-serving, bench-serving-matrix, bench-serving-cpu):
# builds what they run, exports stand-in models and starts and stops `lessons serve` on free
# loopback ports. Needs $root (the checkout); bench_build sets $bench_cp, serve_start sets
# $server_pid, $port and $grpc_port.
# shellcheck shell=bash

# The jar (by the launcher's own staleness rule), then the test classes that hold the stand-in
# models and the gRPC load generator (test code: they do not ship in the jar) when stale.
bench_build() {
  "$root/scripts/lessons" --help > /dev/null
  local tools="$root/target/test-classes/dev/tfjava/course/serve/tools"
  if [ ! -f "$tools/StandInModels.class" ] || [ ! -f "$tools/GrpcLoadGenerator.class" ] \
      || [ -n "$(find "$root/src" -newer "$tools/StandInModels.class" -name '*.java' -print -quit)" ]; then
    (cd "$root" && mvn -B -q test-compile) >&2
  fi
  bench_cp="$root/target/test-classes:$root/target/tfjava-course.jar"
}

# $1: who is asking; $2: the folder. Untrained mnist_cnn and lstm from the lessons' own graph
# builders, exported as version 1.
export_stand_ins() {
  echo "$1: exporting stand-in models (random weights) to $2" >&2
  TF_CPP_MIN_LOG_LEVEL=2 java -cp "$bench_cp" dev.tfjava.course.serve.tools.StandInModels "$2" >&2
}

# $1: who is asking; $2: the server's log file; then more `lessons serve` options (--models ...).
# Returns once the server listens; exits the script if it does not start.
serve_start() {
  local who="$1" log="$2"
  shift 2
  "$root/scripts/lessons" serve --port 0 --grpc-port 0 "$@" > "$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 120); do
    port="$(sed -n 's#.*listening on https\{0,1\}://[^:]*:\([0-9]*\)/.*#\1#p' "$log" | head -1)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  [ -n "$port" ] || { echo "$who: the server did not start" >&2; cat "$log" >&2; exit 1; }
  grpc_port="$(sed -n 's#.* and gRPC [^:]*:\([0-9]*\) .*#\1#p' "$log" | head -1)"
  [ -n "$grpc_port" ] || { echo "$who: no gRPC port in the server's log" >&2; exit 1; }
}

serve_stop() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
