#!/usr/bin/env bash
# Stand-in for a Flink distribution's bin/config-parser-utils.sh, which no Maven artifact ships:
# the same arguments and the same effect. Flink's own BashJavaUtils UPDATE_AND_GET_FLINK_CONFIGURATION
# (from lib/) rewrites the configuration, and its output replaces conf/config.yaml, so a failed
# write fails this script as it fails Flink's (whose callers, the image's entrypoint, ignore it).
if [ "$#" -lt 3 ]; then
  echo "Usage: config-parser-utils.sh FLINK_CONF_DIR FLINK_BIN_DIR FLINK_LIB_DIR [dynamic args...]"
  exit 1
fi
conf_dir=$1
lib_dir=$3
shift 3
prefix="BASH_JAVA_UTILS_EXEC_RESULT:"
if ! output=$(java -classpath "$lib_dir/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    UPDATE_AND_GET_FLINK_CONFIGURATION --configDir "$conf_dir" "$@" 2>&1); then
  echo "[ERROR] Could not get configurations properly, the result is :"
  echo "$output"
  exit 1
fi
result=$(echo "$output" | grep "^$prefix" | sed "s/^$prefix//")
echo "${result}" > "$conf_dir/config.yaml"
