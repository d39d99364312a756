#!/usr/bin/env bash
# A real Flink cluster on this machine, on loopback: a Kafka broker process, a JobManager
# (StandaloneSessionClusterEntrypoint) and two TaskManagers (TaskManagerRunner) started from the
# Maven classpath with the resource flags Flink's own scripts compute (BashJavaUtils), configured by
# flink-conf/config.yaml, with DJL on the TaskManagers' parent classpath.
#
#   deploy/local/cluster.sh start | stop | status | --help
#   deploy/local/cluster.sh submit [--from-savepoint PATH] [job options...]   prints the job id
#   deploy/local/cluster.sh stop-job JOB_ID                                   stops with a savepoint, prints its path
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${ONLINE_LSTM_CLUSTER_DIR:-$ROOT/target/local-cluster}"
CONF="$STATE/conf"
JAR="$ROOT/target/flink-online-lstm.jar"
CP="$ROOT/target/lib/*"
REST="http://127.0.0.1:8081"
KAFKA_PORT="${ONLINE_LSTM_KAFKA_PORT:-9092}"
TASKMANAGERS="${ONLINE_LSTM_TASKMANAGERS:-2}"
OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED)

build_if_needed() {
  # The tests build once and then start and restart processes: a rebuild would swap jars under them.
  if [ -n "${ONLINE_LSTM_NO_BUILD:-}" ]; then return 0; fi
  if [ ! -f "$JAR" ] || [ ! -d "$ROOT/target/lib" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; then
    (cd "$ROOT" && mvn -q -B -DskipTests package)
  fi
}

# BashJavaUtils prints two result lines: the JVM flags, then the dynamic -D configuration.
resource_params() {
  local command="$1"
  java -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$command" --configDir "$CONF" 2>/dev/null \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

start_process() {
  local name="$1"; shift
  # Appended, not overwritten: a process started again after a crash keeps the crash's log.
  nohup "$@" >> "$STATE/logs/$name.out" 2>&1 &
  echo $! > "$STATE/$name.pid"
}

start() {
  build_if_needed
  mkdir -p "$STATE/logs" "$CONF" "$STATE/kafka" "$STATE/djl"
  cp "$ROOT/flink-conf/config.yaml" "$CONF/config.yaml"
  cp "$ROOT/flink-conf/log4j-console.properties" "$CONF/log4j-console.properties"
  cp "$ROOT/flink-conf/log4j-console.properties" "$CONF/log4j.properties"
  if ! alive jobmanager && curl -s --max-time 5 "$REST/overview" >/dev/null 2>&1; then
    echo "Another Flink already answers at $REST; stop it first (bin/online-lstm cluster stop, with its" \
         "ONLINE_LSTM_CLUSTER_DIR) so that this cluster's JobManager can bind the port." >&2
    return 1
  fi
  alive kafka || start_process kafka java -cp "$JAR:$CP" -Donline-lstm.log.file="$STATE/logs/kafka.log" \
      io.onlinelstm.cli.Main broker --port "$KAFKA_PORT" --dir "$STATE/kafka"
  local jm; mapfile -t jm < <(resource_params GET_JM_RESOURCE_PARAMS)
  # shellcheck disable=SC2086
  alive jobmanager || start_process jobmanager java ${jm[0]} "${OPENS[@]}" \
      -Dlog.file="$STATE/logs/jobmanager.log" -Dlog4j.configurationFile="$CONF/log4j-console.properties" \
      -cp "$CP" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" ${jm[1]}
  local tm; mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
  for i in $(seq 1 "$TASKMANAGERS"); do
    # Each TaskManager's working files (RocksDB's local state among them) stay in this cluster's
    # folder: a killed TaskManager leaves them behind, and another cluster must not meet them.
    mkdir -p "$STATE/tmp/tm-$i"
    # shellcheck disable=SC2086
    alive "taskmanager-$i" || start_process "taskmanager-$i" env OMP_NUM_THREADS=1 ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX2}" DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.cache/online-lstm/djl}" \
        java ${tm[0]} "${OPENS[@]}" -Dai.djl.offline=true \
        -Dlog.file="$STATE/logs/taskmanager-$i.log" -Dlog4j.configurationFile="$CONF/log4j-console.properties" \
        -cp "$CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" ${tm[1]} \
        -D taskmanager.resource-id="tm-$i" -D io.tmp.dirs="$STATE/tmp/tm-$i"
  done
  for _ in $(seq 1 90); do
    if curl -sf --max-time 5 "$REST/overview" | grep -q "\"taskmanagers\":$TASKMANAGERS"; then
      echo "Cluster up: Flink $REST with $TASKMANAGERS TaskManagers, Kafka 127.0.0.1:$KAFKA_PORT (state in $STATE)"
      return 0
    fi
    sleep 1
  done
  echo "Cluster did not come up within 90 s; see $STATE/logs. Last lines of each process:" >&2
  for log in "$STATE"/logs/*.out; do
    echo "--- $log" >&2
    tail -n 15 "$log" >&2 || true
  done
  curl -s "$REST/overview" >&2 || echo "(no answer from $REST)" >&2
  return 1
}

stop() {
  local name names=()
  for pidfile in "$STATE"/taskmanager-*.pid; do
    [ -e "$pidfile" ] && names+=("$(basename "$pidfile" .pid)")
  done
  for name in "${names[@]}" jobmanager kafka; do
    if alive "$name"; then
      kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
      for _ in $(seq 1 30); do alive "$name" || break; sleep 1; done
      alive "$name" && kill -9 "$(cat "$STATE/$name.pid")" 2>/dev/null || true
    fi
    rm -f "$STATE/$name.pid"
  done
  echo "Cluster stopped"
}

status() {
  for name in kafka jobmanager $(seq -f 'taskmanager-%g' 1 "$TASKMANAGERS"); do
    if alive "$name"; then echo "$name: running (pid $(cat "$STATE/$name.pid"))"; else echo "$name: stopped"; fi
  done
  curl -sf --max-time 10 "$REST/overview" || true
  echo
}

json_string() {
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"; s="${s//$'\n'/\\n}"; s="${s//$'\t'/\\t}"; s="${s//$'\r'/\\r}"
  printf '"%s"' "$s"
}

# A clear word instead of curl's "Failed to connect" when nothing answers at $REST.
require_cluster() {
  if ! curl -s --max-time 5 "$REST/overview" >/dev/null 2>&1; then
    echo "error: no Flink cluster answers at $REST; start one with bin/online-lstm cluster start" >&2
    exit 1
  fi
}

# Uploads the job jar through the REST API and runs it, from a savepoint when given one; prints the job id.
submit() {
  build_if_needed
  require_cluster
  local upload id arg answer savepoint="" list=""
  if [ "${1:-}" = "--from-savepoint" ]; then savepoint="$2"; shift 2; fi
  upload=$(curl -sfS --max-time 300 -X POST -H "Expect:" -F "jarfile=@$JAR" "$REST/jars/upload")
  id=$(echo "$upload" | sed 's/.*"filename":"[^"]*\/\([^"/]*\)".*/\1/')
  for arg in --kafka.bootstrap-servers "127.0.0.1:$KAFKA_PORT" --model.store "file://$STATE/models" \
      --checkpoint.storage "file://$STATE/checkpoints" "$@"; do
    list="$list$(json_string "$arg"),"
  done
  # The REST API runs a jar at parallelism 1 unless told; --job.parallelism, when given, still wins.
  local parallelism
  local conf="$CONF/config.yaml"
  [ -f "$conf" ] || conf="$ROOT/flink-conf/config.yaml"
  parallelism=$( { sed -n '/^parallelism:/,/^[^ ]/s/^ *default: *\([0-9]*\).*/\1/p' "$conf";
                   sed -n 's/^parallelism\.default: *\([0-9]*\).*/\1/p' "$conf"; } | head -n 1)
  local body="{\"entryClass\":\"io.onlinelstm.job.ForecastJob\",\"parallelism\":${parallelism:-1},\"programArgsList\":[${list%,}]"
  [ -n "$savepoint" ] && body="$body,\"savepointPath\":$(json_string "$savepoint")"
  answer=$(curl -sS --max-time 300 -X POST -H "Content-Type: application/json" -d "$body}" "$REST/jars/$id/run" || true)
  if ! echo "$answer" | grep -q '"jobid"'; then
    echo "The cluster refused the job: $answer" >&2
    return 1
  fi
  echo "$answer" | sed 's/.*"jobid":"\([0-9a-f]*\)".*/\1/'
}

# Stops a job with a savepoint under $STATE/savepoints (readings after it stay in Kafka for the
# next run); prints the savepoint's path for submit --from-savepoint.
stop_job() {
  local job="$1" trigger answer=""
  require_cluster
  trigger=$(curl -sS --max-time 60 -X POST -H "Content-Type: application/json" \
      -d "{\"drain\":false,\"targetDirectory\":$(json_string "file://$STATE/savepoints")}" "$REST/jobs/$job/stop" || true)
  if ! echo "$trigger" | grep -q '"request-id"'; then
    echo "The cluster did not start a savepoint for job $job: $trigger" >&2
    return 1
  fi
  trigger=$(echo "$trigger" | sed 's/.*"request-id":"\([0-9a-f]*\)".*/\1/')
  for _ in $(seq 1 300); do
    # A failed poll is retried: the savepoint goes on whether or not this script hears about it.
    answer=$(curl -s --max-time 10 "$REST/jobs/$job/savepoints/$trigger" || true)
    if echo "$answer" | grep -q '"id":"COMPLETED"'; then
      if echo "$answer" | grep -q '"location"'; then
        echo "$answer" | sed 's/.*"location":"\([^"]*\)".*/\1/'
        return 0
      fi
      echo "Stopping job $job with a savepoint failed: $answer" >&2
      return 1
    fi
    sleep 1
  done
  echo "No savepoint for job $job within 300 s (last answer: $answer); see $STATE/logs/jobmanager.log" >&2
  return 1
}

usage() {
  cat <<EOF
usage: $0 start|stop|status|submit|stop-job
  start                                          start the broker, the JobManager and the TaskManagers
  stop                                           stop them all
  status                                         which processes run; the JobManager's overview
  submit [--from-savepoint PATH] [job options]   submit the job (options as --name value); prints its id
  stop-job JOB_ID                                stop a job with a savepoint; prints the savepoint's path
bin/online-lstm cluster submit checks the job options before submitting.
EOF
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  submit) shift; submit "$@" ;;
  stop-job)
    if [ $# -ne 2 ]; then
      echo "error: stop-job needs exactly one JOB_ID (as submit printed it): $0 stop-job JOB_ID" >&2
      exit 2
    fi
    stop_job "$2" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
